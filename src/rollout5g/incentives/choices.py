from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    NATIONAL = "national", pgettext_lazy("level", "National")
    PROVINCIAL = "provincial", pgettext_lazy("level", "Provincial")
    CITY = "city", pgettext_lazy("level", "City")
    COUNTY = "county", pgettext_lazy("level", "County")


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
    PLANNED = "planned", pgettext_lazy("state", "Planned")
    ONGOING = "ongoing", pgettext_lazy("state", "Ongoing")
    COMPLETED = "completed", pgettext_lazy("state", "Completed")


class AchievementKind(models.TextChoices):
    STANDARD = "standard", _("Standard contribution")
    FIRST_SET = "first_set", _("First-set product")
    FIRST_BATCH = "first_batch", _("First-batch product")
    FIRST_VERSION = "first_version", _("First-version software")


class Track(models.TextChoices):
    APPLY = "apply", _("Apply and review")
    AUTO = "auto", _("Pay without applying (免申即享)")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state", "Draft")
    PROPOSED = "proposed", pgettext_lazy("state", "Proposed by the platform")
    SUBMITTED = "submitted", pgettext_lazy("state", "Submitted")
    RETURNED = "returned", pgettext_lazy("state", "Returned for changes")
    IN_NOTICE = "in_notice", pgettext_lazy("state", "In public notice")
    APPROVED = "approved", pgettext_lazy("state", "Approved")
    PAID = "paid", pgettext_lazy("state", "Paid")
    CLAWED_BACK = "clawed_back", pgettext_lazy("state", "Clawed back")
    REJECTED = "rejected", pgettext_lazy("state", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("state", "Withdrawn")


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
    APPROVED = "approved", pgettext_lazy("ledger", "Approved")
    PAID = "paid", pgettext_lazy("ledger", "Paid")
    CLAWED_BACK = "clawed_back", pgettext_lazy("ledger", "Clawed back")


# -- 凤凰行动: the listing pipeline (Zhejiang task 30) ------------------------------------------------------------
class ListingStage(models.TextChoices):
    CULTIVATING = "cultivating", pgettext_lazy("state", "Cultivation")
    TUTORING = "tutoring", pgettext_lazy("state", "Tutoring filed")
    APPLIED = "applied", pgettext_lazy("state", "Application filed")
    ACCEPTED = "accepted", pgettext_lazy("state", "Application accepted")
    APPROVED = "approved", pgettext_lazy("state", "Approved or registered")
    LISTED = "listed", pgettext_lazy("state", "Listed")
    WITHDRAWN = "withdrawn", pgettext_lazy("state", "Withdrawn")


#: The pipeline's stages in order (withdrawn leaves it); the per-year counts follow this order.
LISTING_ORDER = (ListingStage.CULTIVATING, ListingStage.TUTORING, ListingStage.APPLIED, ListingStage.ACCEPTED,
                 ListingStage.APPROVED, ListingStage.LISTED)


class Board(models.TextChoices):
    MAIN = "main", _("Main board")
    CHINEXT = "chinext", _("ChiNext")
    STAR = "star", _("STAR Market")
    BSE = "bse", _("Beijing Stock Exchange")
    OVERSEAS = "overseas", _("Overseas market")


# -- 首台套 / 首批次 / 首版次 (Zhejiang task 14) --------------------------------------------------------------------
class FirstKind(models.TextChoices):
    EQUIPMENT = "equipment", _("First set of equipment")
    MATERIAL = "material", _("First batch of materials")
    SOFTWARE = "software", _("First version of software")


#: The registry's achievement kind and the ``recognition`` fact of the incentive clauses, per first-of-kind kind.
FIRST_KIND_ACHIEVEMENT = {FirstKind.EQUIPMENT: AchievementKind.FIRST_SET, FirstKind.MATERIAL: AchievementKind.FIRST_BATCH,
                          FirstKind.SOFTWARE: AchievementKind.FIRST_VERSION}
FIRST_KIND_FACT = {FirstKind.EQUIPMENT: "first_set_equipment", FirstKind.MATERIAL: "first_batch_material",
                   FirstKind.SOFTWARE: "first_version_software"}


class FirstState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("state", "Submitted")
    RETURNED = "returned", pgettext_lazy("state", "Returned for changes")
    RECOGNISED = "recognised", pgettext_lazy("state", "Recognised")
    REJECTED = "rejected", pgettext_lazy("state", "Rejected")


# -- talent (Jiaxing 二(四)1, 三(二)) ------------------------------------------------------------------------------
class TalentField(models.TextChoices):
    CORE = "core", _("5G core technology")
    RF = "rf", _("RF devices and antennas")
    OPTICAL = "optical", _("Optical communication")
    SEMICONDUCTORS = "semiconductors", _("Semiconductor materials and chips")
    SOFTWARE = "software", _("Software and networks")
    APPLICATIONS = "applications", _("5G applications")


class TalentLevel(models.TextChoices):
    TOP = "top", _("Top talent")
    LEADING = "leading", _("Leading talent")
    HIGH = "high", _("High-level talent")
    SKILLED = "skilled", _("Skilled talent")


class Shortage(models.TextChoices):
    URGENT = "urgent", _("Urgently needed")
    SHORT = "short", _("In short supply")
    NEEDED = "needed", _("Needed")


class EntryState(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("state", "Published")
    RETIRED = "retired", pgettext_lazy("state", "Retired")


class SupportKind(models.TextChoices):
    """The support the Jiaxing opinions 三(二) name for 5G talent (科研经费、住房保障、子女教育、医疗保障), and the
    introduction award of the catalogue (二(四)1: 在创新创业上给予重点支持)."""

    INTRODUCTION = "introduction", _("Introduction award")
    RESEARCH = "research", _("Research funding")
    HOUSING = "housing", _("Housing support")
    EDUCATION = "education", _("Children's education")
    MEDICAL = "medical", _("Medical care")
    VENTURE = "venture", _("Start-up support")


class SupportState(models.TextChoices):
    GRANTED = "granted", pgettext_lazy("state", "Granted")
    REVOKED = "revoked", pgettext_lazy("state", "Revoked")


# -- events and application cases (Zhejiang task 35) ---------------------------------------------------------------
class EventKind(models.TextChoices):
    SUMMIT = "summit", _("Summit")
    FORUM = "forum", _("Forum")
    COMPETITION = "competition", _("Competition")
    EXHIBITION = "exhibition", _("Exhibition")


class EventState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("state", "Scheduled")
    HELD = "held", pgettext_lazy("state", "Held")
    CANCELLED = "cancelled", pgettext_lazy("state", "Cancelled")


class CaseState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("state", "Submitted")
    RETURNED = "returned", pgettext_lazy("state", "Returned for changes")
    PUBLISHED = "published", pgettext_lazy("state", "Published")
    UNPUBLISHED = "unpublished", pgettext_lazy("state", "Taken down")


# -- industry alliances (Jiaxing 三(五)) ----------------------------------------------------------------------------
class AllianceKind(models.TextChoices):
    FIVE_G = "5g_industry", _("5G industry alliance")
    SMART_POLE = "smart_pole", _("Smart-pole industry alliance")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair unit")
    VICE_CHAIR = "vice_chair", _("Vice-chair unit")
    MEMBER = "member", _("Member")


class ActivityKind(models.TextChoices):
    RESEARCH = "research", _("Joint research")
    STANDARD = "standard", _("Standard drafting")
    MATCHMAKING = "matchmaking", _("Matchmaking")
    MEETING = "meeting", _("Meeting")
    PROMOTION = "promotion", _("Application promotion")
