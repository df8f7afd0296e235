"""States and kinds of the public EMF information (Jiaxing 三(四): 加强对通信基站辐射的科普宣传).

No seed sets an answer time for a public measurement request: the limit below is the programme office's own default
(copied into each request, so a later change does not move a running clock). The rate limits protect the public form
(no captcha): at most so many requests from one address or one phone number in a rolling day.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PageState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state", "Draft")
    PUBLISHED = "published", pgettext_lazy("state", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("state", "Withdrawn")


class PostState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state", "Draft")
    PUBLISHED = "published", pgettext_lazy("state", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("state", "Withdrawn")


class Unit(models.TextChoices):
    """What a measurement reports (HJ 1151-2020 measures the electric field strength or the power density)."""

    V_PER_M = "V/m", _("electric field strength [V/m]")
    UW_PER_CM2 = "uW/cm2", _("power density [μW/cm²]")


class RequestState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("state", "Received")
    SCHEDULED = "scheduled", pgettext_lazy("state", "Measurement scheduled")
    ANSWERED = "answered", pgettext_lazy("state", "Answered")
    DECLINED = "declined", pgettext_lazy("state", "Declined")


OPEN_REQUEST_STATES = (RequestState.RECEIVED, RequestState.SCHEDULED)

#: The organization kind of the ecology department and the words of its official name and of the seed task it
#: serves: the home region's government department named by a task about base-station radiation whose name holds
#: the ecology term (市生态环境局 in the demo's documents).
DEPARTMENT_KIND = "government_department"
RADIATION_TERM = "辐射"
ECOLOGY_TERM = "生态环境"

#: Working days the ecology department has to answer a measurement request (programme-office default).
DEFAULT_ANSWER_LIMIT_DAYS = 15
DEFAULT_ANSWER_WARN_DAYS = 3
#: Public form: at most this many requests per address, and per phone number, in a rolling 24 hours.
MAX_REQUESTS_PER_ADDRESS = 3
MAX_REQUESTS_PER_PHONE = 2
