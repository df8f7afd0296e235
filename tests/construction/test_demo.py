"""The synthetic demo projects: every state of the workflow, marked synthetic, loaded once."""

import pytest

from rollout5g.construction.choices import ProjectState, ReviewDecision
from rollout5g.construction.demo import PROJECTS, load_demo
from rollout5g.construction.models import ConstructionProject, DesignReview
from rollout5g.construction.selectors import review_clock

pytestmark = pytest.mark.django_db


def test_the_demo_projects_cover_every_state_and_load_once(today):
    lines = load_demo()
    assert lines == [f"construction projects: {len(PROJECTS)} (synthetic), 2 with their 5G facilities accepted"]
    projects = ConstructionProject.objects.all()
    assert projects.count() == len(PROJECTS) and all(p.is_synthetic for p in projects)
    assert set(projects.values_list("state", flat=True)) == set(ProjectState.values)
    for project in projects.filter(state=ProjectState.ACCEPTED):
        assert project.site_reservations.filter(planned_site__isnull=False).count() == project.reserved_sites > 0
    pending = DesignReview.objects.filter(decision=ReviewDecision.PENDING)
    assert {review_clock(r, today).state for r in pending} >= {"running", "overdue"}
    assert load_demo() == ["construction projects: already loaded"]
    assert ConstructionProject.objects.count() == len(PROJECTS)
