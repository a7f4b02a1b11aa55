"""legal form clauses: the agreement's clauses as a Mexican convenio numbers them (issue 20)

The agreement now reads as a *convenio*: proemio, declaraciones and cláusulas in ordinal words
(PRIMERA, SEGUNDA…). Its standard clauses gain the amount, the instrument and term, the
deliverables and payments, the special conditions, anti-corruption, amendments and
jurisdiction; confidentiality joins the personal data clause; the others now name the parties
in capitals ("EL PROGRAMA", "LA ORGANIZACIÓN BENEFICIARIA") and say "subvención".

The upgrade inserts the missing clauses and rewrites a stored text (title or body, each
language separately) ONLY where it still equals the old default: a clause a grants manager
edited keeps its text. Every default clause takes its new position. The new texts are
``portal.awards.clauses.DEFAULT_CLAUSES``; the old ones are frozen below. An empty table is left
empty (the defaults are inserted when first needed, ``ensure_defaults``).

Revision ID: 0032_legal_form_clauses
Revises: 0031_outbox_request_id
Create Date: 2026-12-06 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_legal_form_clauses"
down_revision = "0031_outbox_request_id"
branch_labels = None
depends_on = None

FIELDS = ("title_es", "title_en", "body_es", "body_en")
CLAUSES = sa.table(
    "agreement_clauses",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("position", sa.Integer),
    *(sa.column(f, sa.Text) for f in FIELDS),
)

# The defaults as migration 0006 seeded them (frozen: do not edit).
OLD_DEFAULTS = [
    {
        "key": "purpose",
        "title_es": "Objeto",
        "title_en": "Purpose",
        "body_es": "La donación se otorga exclusivamente para ejecutar el proyecto descrito en la "
        "solicitud aprobada, conforme al calendario de entregables y pagos de este convenio.",
        "body_en": "The grant is awarded solely to carry out the project described in the "
        "approved application, following the schedule of deliverables and payments of this "
        "agreement.",
    },
    {
        "key": "use_of_funds",
        "title_es": "Uso de los recursos",
        "title_en": "Use of funds",
        "body_es": "La organización beneficiaria no obtendrá lucro ni cobrará honorarios con "
        "cargo a la donación y conservará los comprobantes de gasto durante cinco años.",
        "body_en": "The grantee shall make no profit nor charge any fee on the grant and shall "
        "keep supporting records of expenditure for five years.",
    },
    {
        "key": "reporting",
        "title_es": "Informes y verificación",
        "title_en": "Reporting and verification",
        "body_es": "Cada pago se libera contra la verificación del entregable correspondiente "
        "por el medio de verificación indicado. El programa podrá realizar visitas y auditorías.",
        "body_en": "Each payment is released upon verification of the corresponding deliverable "
        "by the stated means of verification. The programme may carry out visits and audits.",
    },
    {
        "key": "cofinance",
        "title_es": "Cofinanciamiento",
        "title_en": "Co-finance",
        "body_es": "La organización beneficiaria informará y acreditará las aportaciones de "
        "cofinanciamiento comprometidas; la contrapartida no podrá computarse en otro "
        "proyecto financiado por otro donante.",
        "body_en": "The grantee shall report and evidence the committed co-finance "
        "contributions; cost share may not be counted on another donor-funded award.",
    },
    {
        "key": "termination",
        "title_es": "Terminación anticipada",
        "title_en": "Early termination",
        "body_es": "El programa podrá suspender pagos o dar por terminado el convenio ante "
        "incumplimiento, y la organización reintegrará los recursos no aplicados.",
        "body_en": "The programme may suspend payments or terminate the agreement in case of "
        "non-compliance, and the grantee shall return any unspent funds.",
    },
    {
        "key": "data_protection",
        "title_es": "Protección de datos personales",
        "title_en": "Personal data protection",
        "body_es": "Las partes tratarán los datos personales conforme a la Ley Federal de "
        "Protección de Datos Personales en Posesión de los Particulares.",
        "body_en": "The parties shall process personal data in accordance with Mexico's Federal "
        "Law on the Protection of Personal Data Held by Private Parties.",
    },
]


def _stored(bind) -> dict[str, dict]:
    rows = bind.execute(sa.select(CLAUSES)).mappings()
    return {row["key"]: dict(row) for row in rows}


def _move(bind, before: list[dict], after: list[dict], *, insert: bool) -> None:
    """Bring the stored clauses from the ``before`` defaults to the ``after`` ones."""
    stored = _stored(bind)
    if not stored:
        return
    old = {spec["key"]: spec for spec in before}
    keys = [spec["key"] for spec in after]
    for position, spec in enumerate(after):
        row = stored.get(spec["key"])
        if row is None:
            if insert:
                bind.execute(sa.insert(CLAUSES).values(position=position, **spec))
            continue
        values = {"position": position}
        previous = old.get(spec["key"])
        for field in FIELDS:
            if previous is not None and row[field] == previous[field]:
                values[field] = spec[field]
        bind.execute(sa.update(CLAUSES).where(CLAUSES.c.id == row["id"]).values(**values))
    others = sorted((r for k, r in stored.items() if k not in keys), key=lambda r: r["position"])
    for offset, row in enumerate(others, start=len(after)):
        bind.execute(sa.update(CLAUSES).where(CLAUSES.c.id == row["id"]).values(position=offset))


def upgrade() -> None:
    from portal.awards.clauses import DEFAULT_CLAUSES

    _move(op.get_bind(), OLD_DEFAULTS, DEFAULT_CLAUSES, insert=True)


def downgrade() -> None:
    """The old texts where the new default is unchanged; the added clauses are removed when
    nobody edited them (an edited one stays, after the old ones)."""
    from portal.awards.clauses import DEFAULT_CLAUSES

    bind = op.get_bind()
    old_keys = {spec["key"] for spec in OLD_DEFAULTS}
    stored = _stored(bind)
    for spec in DEFAULT_CLAUSES:
        row = stored.get(spec["key"])
        if spec["key"] not in old_keys and row and all(row[f] == spec[f] for f in FIELDS):
            bind.execute(sa.delete(CLAUSES).where(CLAUSES.c.id == row["id"]))
    _move(bind, DEFAULT_CLAUSES, OLD_DEFAULTS, insert=False)
