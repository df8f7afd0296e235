import pytest

from rollout5g.organizations.models import Organization
from tests.conftest import world

#: The records these tests build on (see tests/conftest.py: world).
world_records = world("registry", "approvals")



@pytest.fixture
def org():
    return lambda code: Organization.objects.get(code=code)


@pytest.fixture
def batch_sites():
    """The Done-when batch: a new tower, a rooftop on an existing building, a smart pole in a road (Nanhu)."""
    return [
        {"new_site": {"name": "测试 新建铁塔", "site_type": "macro_tower", "lon": 120.7301, "lat": 30.7402,
                      "height_m": 35},
         "new_structure": True, "new_power_connection": True, "antenna_height_m": 32},
        {"new_site": {"name": "测试 楼顶站", "site_type": "rooftop", "lon": 120.7352, "lat": 30.7431},
         "on_existing_building": True, "antenna_height_m": 40},
        {"new_site": {"name": "测试 智慧杆", "site_type": "smart_pole", "lon": 120.7403, "lat": 30.7463},
         "new_structure": True, "in_road": True, "new_power_connection": True, "antenna_height_m": 12,
         "total_power_w": 60, "azimuths": "90,270"},
    ]
