from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductLine(models.TextChoices):
    """The five product lines of Jiaxing 二(二)2 (1)–(5), plus applications and services."""

    TERMINALS = "terminals", _("5G smart terminals")
    BASE_STATION_COMPONENTS = "base_station_components", _("Base-station components and RF devices")
    OPTICAL = "optical", _("Optical communication devices")
    SMART_PRODUCTS = "smart_products", _("5G smart products")
    SEMICONDUCTORS = "semiconductors", _("Third-generation semiconductor materials")
    APPLICATIONS = "applications", _("5G applications and services")


class Tier(models.TextChoices):
    BACKBONE = "backbone", _("Backbone firm")
    LEADING = "leading", _("Leading firm")
    SPECIALISED = "specialised", _("Specialised, refined, distinctive and innovative (专精特新)")
    EAGLE = "eagle", _("Eagle cultivation (雄鹰)")
    OTHER = "other", _("Other")


#: tiers counted by the indicator "leading / backbone 5G firms"
LEADING_TIERS = (Tier.BACKBONE, Tier.LEADING, Tier.EAGLE)


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class CarrierKind(models.TextChoices):
    PARK = "park", _("Industrial park")
    CLUSTER = "cluster", _("Industry cluster")
    INNOVATION_CENTRE = "innovation_centre", _("Joint innovation centre")
    INCUBATOR = "incubator", _("Incubator")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")


class PilotField(models.TextChoices):
    INDUSTRIAL_INTERNET = "industrial_internet", _("Industrial internet")
    SMART_VENUES = "smart_venues", _("Smart venues")
    TELEMEDICINE = "telemedicine", _("Remote medicine")
    VR = "vr", _("Ultra-HD VR")
    CONNECTED_VEHICLES = "connected_vehicles", _("Connected vehicles")
    SMART_TOWN = "smart_town", _("5G town (Wuzhen)")
    SMART_MANUFACTURING = "smart_manufacturing", _("Smart manufacturing")
    OTHER = "other", _("Other")


class PilotCategory(models.TextChoices):
    APPLICATION_PILOT = "application_pilot", _("Application pilot / demonstration")
    SMART_MANUFACTURING_DEMO = "smart_manufacturing_demo", _("Smart-manufacturing demonstration")


class PilotStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


class AchievementKind(models.TextChoices):
    STANDARD = "standard", _("Standard contribution")
    FIRST_SET = "first_set", _("First-set product")
    FIRST_BATCH = "first_batch", _("First-batch product")


class Track(models.TextChoices):
    APPLY = "apply", _("Apply and review")
    AUTO = "auto", _("Pay without applying (免申即享)")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed by the platform")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    IN_NOTICE = "in_notice", _("In public notice")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    CLAWED_BACK = "clawed_back", _("Clawed back")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: states of a claim that no longer block a duplicate (the core engine ignores these)
NOT_BLOCKING_STATES = (ApplicationState.REJECTED, ApplicationState.WITHDRAWN, ApplicationState.DRAFT,
                       ApplicationState.PROPOSED)

class EvidenceKind(models.TextChoices):
    RECOGNITION = "recognition", _("Recognition document")
    INVOICE = "invoice", _("Invoice scan")
    CONTRACT = "contract", _("Contract")
    ACCEPTANCE = "acceptance", _("Acceptance report")
    OTHER = "other", _("Other")


class LedgerKind(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    CLAWED_BACK = "clawed_back", _("Clawed back")
