"""Every capability's tables in one metadata, for Alembic (imports models, nothing else)."""

from moqi.accounts import models as _accounts  # noqa: F401
from moqi.assist import models as _assist  # noqa: F401
from moqi.channels import models as _channels  # noqa: F401
from moqi.channels.portal import models as _portal  # noqa: F401
from moqi.db.base import Base
from moqi.insight import models as _insight  # noqa: F401
from moqi.insight import research_models as _research  # noqa: F401
from moqi.knowledge import models as _knowledge  # noqa: F401
from moqi.knowledge.experiments import models as _experiments  # noqa: F401
from moqi.service import models as _service  # noqa: F401
from moqi.service.experts import models as _experts  # noqa: F401
from moqi.service.outbox import models as _outbox  # noqa: F401
from moqi.training import models as _training  # noqa: F401
from moqi.training.roleplay import models as _roleplay  # noqa: F401
from moqi.workforce import models as _workforce  # noqa: F401

metadata = Base.metadata
