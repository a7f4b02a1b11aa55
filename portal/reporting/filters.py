"""The filters shared by the finance dashboard and the ledger exports, so an export holds
exactly the grants and flows the screen shows.

Scope: the *active* awards (agreement signed) the user may see — finance officers and
administrators every one, grants managers those of the programmes they manage, nobody else —
narrowed by programme, call and the grantee organisation's state (INEGI code). The period
(``date_from``..``date_to``, both inclusive) applies to flows: disbursements by ``paid_on``,
co-finance contributions by ``contributed_on``, milestones by ``due_date``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select, true
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from portal.accounts.roles import Role
from portal.awards.constants import MONEY_STATUSES
from portal.awards.models import Award
from portal.core.fields import DateField
from portal.core.forms import TranslatedForm, choice_list
from portal.core.text import as_id
from portal.organisations.mexican_states import STATES
from portal.organisations.models import Organisation

# ReportFilter attribute -> FilterForm field (the URL query argument).
QUERY_NAMES = {
    "programme_id": "programme",
    "call_id": "call",
    "state_code": "state",
    "date_from": "date_from",
    "date_to": "date_to",
}


@dataclass(frozen=True)
class ReportFilter:
    programme_id: int | None = None
    call_id: int | None = None
    state_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def query_args(self) -> dict:
        """The filter as URL query arguments (for links to exports and chart drill-downs),
        named like the fields of ``FilterForm`` so that ``parse(build_form(args))`` gives the
        same filter back."""
        return {
            QUERY_NAMES[k]: (v.isoformat() if isinstance(v, date) else v)
            for k, v in asdict(self).items()
            if v not in (None, "")
        }

    @property
    def is_empty(self) -> bool:
        return not self.query_args()


def sees_everything(user) -> bool:
    return user.has_role(Role.FINANCE_OFFICER, Role.ADMIN)


def can_report(user) -> bool:
    """Finance officers, administrators and grants managers open the dashboard and exports."""
    return bool(
        user.is_authenticated
        and user.has_role(Role.FINANCE_OFFICER, Role.GRANTS_MANAGER, Role.ADMIN)
    )


class FilterForm(TranslatedForm):
    programme = SelectField(_l("Programme"), choices=[], default="", validators=[Optional()])
    call = SelectField(_l("Call"), choices=[], default="", validators=[Optional()])
    state = SelectField(_l("State"), choices=[], default="", validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period must not be before its start."))


def visible_programmes(user) -> Select:
    from portal.calls.models import Programme, programme_managers

    name = Programme.name_en if str(get_locale()) == "en" else Programme.name_es
    query = select(Programme.id, name.label("name")).order_by(name)
    if not sees_everything(user):
        query = query.join(
            programme_managers, programme_managers.c.programme_id == Programme.id
        ).where(programme_managers.c.user_id == user.id)
    return query


def build_form(args, user, session) -> FilterForm:
    """The filter form with its choices limited to what the user may see (2 statements)."""
    from portal.calls.models import Call

    form = FilterForm(args)
    programmes = session.execute(visible_programmes(user)).all()
    ids = [p.id for p in programmes]
    calls = session.execute(
        select(Call.id, Call.code).where(Call.programme_id.in_(ids)).order_by(Call.code)
    ).all()
    everything = ("", _l("All"))
    form.programme.choices = choice_list([everything, *((str(p.id), p.name) for p in programmes)])
    form.call.choices = choice_list([everything, *((str(c.id), c.code) for c in calls)])
    form.state.choices = choice_list([everything, *((s.inegi, s.name) for s in STATES)])
    return form


def parse(form: FilterForm) -> ReportFilter | None:
    """The validated filter, or None when the form has errors (the page then shows them and
    applies no filter)."""
    if not form.validate():
        return None
    return ReportFilter(
        programme_id=as_id(form.programme.data),
        call_id=as_id(form.call.data),
        state_code=form.state.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


def award_scope(f: ReportFilter, user) -> Select:
    """``SELECT awards.id`` of the active (or closed) awards in scope (use as a subquery:
    ``.in_(...)``)."""
    from portal.calls.models import programme_managers

    query = select(Award.id).where(Award.status.in_(MONEY_STATUSES))
    if not sees_everything(user):
        query = query.where(
            Award.programme_id.in_(
                select(programme_managers.c.programme_id).where(
                    programme_managers.c.user_id == user.id
                )
            )
        )
    if f.programme_id:
        query = query.where(Award.programme_id == f.programme_id)
    if f.call_id:
        query = query.where(Award.call_id == f.call_id)
    if f.state_code:
        query = query.where(
            Award.organisation_id.in_(
                select(Organisation.id).where(Organisation.state_code == f.state_code)
            )
        )
    return query


def in_period(column, f: ReportFilter):
    """SQL condition: the date ``column`` falls in the filter's period (true when open)."""
    condition = true()
    if f.date_from:
        condition = condition & (column >= f.date_from)
    if f.date_to:
        condition = condition & (column <= f.date_to)
    return condition
