from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SiteType(models.TextChoices):
    MACRO_TOWER = "macro_tower", _("Macro tower")
    ROOFTOP = "rooftop", _("Rooftop")
    STREET_POLE = "street_pole", _("Street pole")
    SMART_POLE = "smart_pole", _("Smart pole")
    INDOOR = "indoor", _("Indoor")
    SMALL_CELL = "small_cell", _("Small cell")


class SiteState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("site state", "Planned")
    APPLIED = "applied", pgettext_lazy("site state", "Applied")
    APPROVED = "approved", pgettext_lazy("site state", "Approved")
    BUILDING = "building", pgettext_lazy("site state", "Building")
    ON_AIR = "on_air", pgettext_lazy("site state", "On air")
    RELOCATING = "relocating", pgettext_lazy("site state", "Relocating")
    RETIRED = "retired", pgettext_lazy("site state", "Retired")

    @classmethod
    def colour(cls, value: str) -> str:
        return {"planned": "grey", "applied": "blue", "approved": "teal", "building": "orange", "on_air": "green",
                "relocating": "amber", "retired": "red"}.get(value, "grey")


#: The lifecycle's steps (who moves a site from which state to which) are declared once, on ``Site.access_policy``.

#: States in which a site's cells are radiating.
RADIATING_STATES = (SiteState.ON_AIR, SiteState.RELOCATING)


class PowerSupply(models.TextChoices):
    DIRECT = "direct", _("Direct supply (直供电)")
    TRANSFER = "transfer", _("Transfer supply (转供电)")
    UNKNOWN = "unknown", _("Unknown")


class Technology(models.TextChoices):
    NR = "NR", "5G NR"
    LTE = "LTE", "4G LTE"


class Band(models.TextChoices):
    """Bands in use in China, with their 3GPP names (TS 38.101-1 / TS 36.101)."""

    N78 = "n78", "n78 (3.5 GHz)"
    N41 = "n41", "n41 (2.6 GHz)"
    N28 = "n28", "n28 (700 MHz)"
    N79 = "n79", "n79 (4.9 GHz)"
    N1 = "n1", "n1 (2.1 GHz)"
    N3 = "n3", "n3 (1.8 GHz)"
    N8 = "n8", "n8 (900 MHz)"
    B1 = "B1", "LTE B1 (2.1 GHz)"
    B3 = "B3", "LTE B3 (1.8 GHz)"
    B8 = "B8", "LTE B8 (900 MHz)"
    B34 = "B34", "LTE B34 (2.0 GHz TDD)"
    B39 = "B39", "LTE B39 (1.9 GHz TDD)"
    B40 = "B40", "LTE B40 (2.3 GHz TDD)"
    B41 = "B41", "LTE B41 (2.6 GHz TDD)"


#: Frequency range [MHz] of each band (downlink), to validate a cell's frequency against its band.
BAND_RANGES_MHZ = {
    "n78": (3300, 3800), "n41": (2496, 2690), "n28": (758, 803), "n79": (4400, 5000), "n1": (2110, 2170),
    "n3": (1805, 1880), "n8": (925, 960), "B1": (2110, 2170), "B3": (1805, 1880), "B8": (925, 960),
    "B34": (2010, 2025), "B39": (1880, 1920), "B40": (2300, 2400), "B41": (2496, 2690),
}

NR_BANDS = {b for b in BAND_RANGES_MHZ if b.startswith("n")}


class KeyAreaCategory(models.TextChoices):
    CITY_CORE = "city_core", _("City core")
    SCIENCE_CITY = "science_city", _("Science city")
    HSR_NEW_TOWN = "hsr_new_town", _("High-speed-rail new town")
    SCENIC = "scenic", _("Scenic area")
    VENUE = "venue", _("Venue")
    TRANSPORT_HUB = "transport_hub", _("Transport hub")
    EXPRESSWAY = "expressway", _("Elevated road / expressway")
    PORT = "port", _("Port")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    COUNTY_CORE = "county_core", _("County urban core")
    TOWN = "town", _("Town")
    OTHER = "other", _("Other")
