"""Imports every model so the metadata (and Alembic) sees all tables."""

from app.accounts.models import (  # noqa: F401
    ApiToken,
    Employer,
    LoginFailure,
    LoginSession,
    OneTimeCode,
    RealNameAttempt,
    Seeker,
    User,
)
from app.contracts.models import Contract, ContractEvent, ContractSignature  # noqa: F401, E402
from app.fairs.models import Fair, Room, fair_jobs  # noqa: F401
from app.jobs.models import Job  # noqa: F401
from app.live.models import (  # noqa: F401
    CardPush,
    ChatMessage,
    Presence,
    RoomMute,
    RoomViewers,
    ServerProcess,
    SignUp,
    SignUpCount,
    StreamRun,
    Upload,
    VisitorLink,
)
from app.matching.models import Invitation, JobSeekerProfile, ProfileCategory  # noqa: F401, E402
from app.notifications.models import Notification, PushSubscription  # noqa: F401, E402
from app.onsite.models import Booth, CheckIn, Registration, RegistrationLock  # noqa: F401
from app.reports.models import (  # noqa: F401, E402
    FairPerson,
    FairStats,
    FollowUpNote,
    RoomMinute,
    RoomPerson,
    RoomStats,
)
from app.sms.models import SmsMessage  # noqa: F401
