"""Every table of every capability on one ``MetaData``: what Alembic compares the
migrations with (``migrations/env.py``) and what the tests empty between tests.

Each capability keeps its tables in its own ``models`` module; importing them here makes
the list explicit instead of depending on what happens to be imported already.
"""

from __future__ import annotations

from plugin.applications import models as applications
from plugin.ats import models as ats
from plugin.auth import models as auth
from plugin.core.models import Base
from plugin.inbound import models as inbound
from plugin.jobs import models as jobs
from plugin.loops import models as loops
from plugin.scorecards import models as scorecards
from plugin.verdicts import models as verdicts

MODELS = (applications, ats, auth, inbound, jobs, loops, scorecards, verdicts)
metadata = Base.metadata
