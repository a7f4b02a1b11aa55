"""Default standard clauses of the agreement (seeded by the migration, editable afterwards by
grants managers under Awards → Standard clauses). Plain text; line breaks are kept."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db, now_utc

DEFAULT_CLAUSES = [
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


def stored_clauses():
    """The clauses as stored (read only; empty when none are stored)."""
    from portal.awards.models import AgreementClause

    return list(db.session.scalars(select(AgreementClause).order_by(AgreementClause.position)))


def clauses():
    """The clauses an agreement is issued with: the stored ones, or the defaults (inserted)."""
    return stored_clauses() or ensure_defaults()


def ensure_defaults():
    """Insert the default clauses when the table is empty (returns them, flushed)."""
    from portal.awards.models import AgreementClause

    found = stored_clauses()
    if found:
        return found
    rows = [AgreementClause(position=i, **spec) for i, spec in enumerate(DEFAULT_CLAUSES)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def update_clause(clause, actor, *, title_es: str, title_en: str, body_es: str, body_en: str):
    """New text for a clause; agreements issued from now on print it."""
    from portal.audit.operations import diff, record

    before = clause.audit_fields()
    clause.title_es = title_es
    clause.title_en = title_en
    clause.body_es = body_es
    clause.body_en = body_en
    clause.updated_by_id = actor.id
    clause.updated_dt = now_utc()
    db.session.flush()
    record("agreement.clause_updated", clause, changes=diff(before, clause.audit_fields()))
