"""Default standard clauses of the agreement (seeded by the migrations, editable afterwards by
grants managers under Awards → Standard clauses). Plain text; line breaks are kept."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db, now_utc

# The agreement's clauses, in order (ordinal words are added when printed: "PRIMERA. OBJETO.").
# Plain text; line breaks are kept; "{jurisdiction}" becomes AGREEMENT_JURISDICTION. The clauses
# whose key is in DATA_CLAUSES are followed in the PDF by the award's own terms (the project, the
# amount in figures and words, the instrument and term, the milestone table, the co-finance
# commitments, the special conditions). Migration 0032_legal_form_clauses brings stored clauses
# to this list (keeping any text a grants manager edited): keep the two in step.
DEFAULT_CLAUSES = [
    {
        "key": "purpose",
        "title_es": "Objeto",
        "title_en": "Purpose",
        "body_es": "EL PROGRAMA otorga a LA ORGANIZACIÓN BENEFICIARIA una subvención destinada "
        "exclusivamente a ejecutar el proyecto descrito en la solicitud aprobada, que forma "
        "parte integrante de este convenio, conforme al calendario de entregables y pagos aquí "
        "pactado.",
        "body_en": "THE PROGRAMME awards THE GRANTEE a grant to be used solely to carry out the "
        "project described in the approved application, which forms an integral part of this "
        "agreement, following the schedule of deliverables and payments agreed herein.",
    },
    {
        "key": "amount",
        "title_es": "Monto de la subvención",
        "title_en": "Amount of the grant",
        "body_es": "El monto total de la subvención es el que se indica a continuación. "
        "EL PROGRAMA no pagará cantidad adicional alguna por concepto de utilidad, honorarios "
        "o comisiones.",
        "body_en": "The total amount of the grant is stated below. THE PROGRAMME shall pay no "
        "additional amount as profit, fees or commissions.",
    },
    {
        "key": "instrument",
        "title_es": "Modalidad y vigencia",
        "title_en": "Instrument and term",
        "body_es": "La subvención se otorga bajo la modalidad y por la vigencia que se indican "
        "a continuación.",
        "body_en": "The grant is awarded under the instrument and for the term stated below.",
    },
    {
        "key": "payments",
        "title_es": "Entregables y pagos",
        "title_en": "Deliverables and payments",
        "body_es": "EL PROGRAMA pagará la subvención conforme al calendario siguiente. Cada pago "
        "se libera contra la verificación del entregable correspondiente por el medio de "
        "verificación indicado.",
        "body_en": "THE PROGRAMME shall pay the grant according to the following schedule. Each "
        "payment is released upon verification of the corresponding deliverable by the stated "
        "means of verification.",
    },
    {
        "key": "use_of_funds",
        "title_es": "Uso de los recursos",
        "title_en": "Use of funds",
        "body_es": "LA ORGANIZACIÓN BENEFICIARIA aplicará los recursos de la subvención "
        "exclusivamente al objeto de este convenio, no obtendrá lucro ni cobrará honorarios "
        "con cargo a ellos y conservará los comprobantes de gasto durante cinco años.",
        "body_en": "THE GRANTEE shall apply the funds of the grant solely to the purpose of this "
        "agreement, shall make no profit nor charge any fee on them and shall keep supporting "
        "records of expenditure for five years.",
    },
    {
        "key": "cofinance",
        "title_es": "Cofinanciamiento",
        "title_en": "Co-finance",
        "body_es": "LA ORGANIZACIÓN BENEFICIARIA aportará, informará y acreditará las "
        "aportaciones de cofinanciamiento comprometidas que se indican a continuación; la "
        "contrapartida no podrá computarse en otro proyecto financiado por otro donante.",
        "body_en": "THE GRANTEE shall contribute, report and evidence the committed co-finance "
        "contributions listed below; cost share may not be counted on another donor-funded "
        "award.",
    },
    {
        "key": "reporting",
        "title_es": "Informes y verificación",
        "title_en": "Reporting and verification",
        "body_es": "LA ORGANIZACIÓN BENEFICIARIA presentará los informes de avance y financieros "
        "en las fechas que EL PROGRAMA establezca en el portal, y permitirá las visitas de "
        "seguimiento y las auditorías que realicen EL PROGRAMA, el donante o sus auditores.",
        "body_en": "THE GRANTEE shall submit the progress and financial reports on the dates THE "
        "PROGRAMME sets in the portal, and shall allow the monitoring visits and audits carried "
        "out by THE PROGRAMME, the donor or their auditors.",
    },
    {
        "key": "special_conditions",
        "title_es": "Condiciones especiales",
        "title_en": "Special conditions",
        "body_es": "Además de lo previsto en este convenio, LA ORGANIZACIÓN BENEFICIARIA "
        "cumplirá las condiciones especiales siguientes:",
        "body_en": "In addition to the provisions of this agreement, THE GRANTEE shall meet the "
        "following special conditions:",
    },
    {
        "key": "data_protection",
        "title_es": "Confidencialidad y protección de datos personales",
        "title_en": "Confidentiality and personal data protection",
        "body_es": "Las partes guardarán confidencialidad sobre la información que reciban con "
        "motivo de este convenio y no la divulgarán sin el consentimiento de la otra parte, "
        "salvo obligación legal. Los datos personales que traten, en particular los de las "
        "personas usuarias de los servicios de justicia, se tratarán conforme a la Ley Federal "
        "de Protección de Datos Personales en Posesión de los Particulares (LFPDPPP) y su "
        "Reglamento: solo para los fines de este convenio, con las medidas de seguridad "
        "administrativas, técnicas y físicas que la ley exige y con el aviso de privacidad "
        "correspondiente.",
        "body_en": "The parties shall keep confidential the information they receive under this "
        "agreement and shall not disclose it without the other party's consent, unless required "
        "by law. Personal data they process, in particular that of the users of justice "
        "services, shall be processed in accordance with Mexico's Federal Law on the Protection "
        "of Personal Data Held by Private Parties (LFPDPPP) and its Regulations: only for the "
        "purposes of this agreement, with the administrative, technical and physical security "
        "measures the law requires and with the corresponding privacy notice.",
    },
    {
        "key": "anti_corruption",
        "title_es": "Anticorrupción y prevención de fraude",
        "title_en": "Anti-corruption and anti-fraud",
        "body_es": "Las partes se obligan a no ofrecer, prometer, dar, solicitar ni aceptar, "
        "directa o indirectamente, pagos, dádivas ni beneficios indebidos con motivo de este "
        "convenio, y a observar la Ley General de Responsabilidades Administrativas en lo que "
        "les resulte aplicable. LA ORGANIZACIÓN BENEFICIARIA informará de inmediato a "
        "EL PROGRAMA de cualquier sospecha de fraude, corrupción o uso indebido de los "
        "recursos; EL PROGRAMA podrá suspender los pagos y exigir el reintegro de los recursos "
        "afectados.",
        "body_en": "The parties undertake not to offer, promise, give, solicit or accept, "
        "directly or indirectly, any undue payment, gift or advantage in connection with this "
        "agreement, and to comply with Mexico's General Law of Administrative Responsibilities "
        "insofar as it applies to them. THE GRANTEE shall inform THE PROGRAMME immediately of "
        "any suspected fraud, corruption or misuse of funds; THE PROGRAMME may suspend payments "
        "and require the return of the funds concerned.",
    },
    {
        "key": "modifications",
        "title_es": "Modificaciones",
        "title_en": "Amendments",
        "body_es": "Este convenio solo podrá modificarse mediante convenio modificatorio por "
        "escrito, solicitado y aprobado en el portal y firmado por ambas partes, que surtirá "
        "efectos cuando ambas lo hayan firmado. Las reasignaciones entre rubros presupuestales "
        "dentro del límite que fije EL PROGRAMA se registran sin convenio modificatorio, "
        "conforme a las reglas publicadas en el portal.",
        "body_en": "This agreement may be amended only by a written amendment, requested and "
        "approved in the portal and signed by both parties, which takes effect when both have "
        "signed it. Realignments between budget categories within the limit set by THE "
        "PROGRAMME are recorded without an amendment, following the rules published in the "
        "portal.",
    },
    {
        "key": "termination",
        "title_es": "Terminación anticipada",
        "title_en": "Early termination",
        "body_es": "EL PROGRAMA podrá suspender los pagos o dar por terminado anticipadamente "
        "este convenio, mediante aviso por escrito, ante el incumplimiento de LA ORGANIZACIÓN "
        "BENEFICIARIA o por causas de fuerza mayor; en tal caso LA ORGANIZACIÓN BENEFICIARIA "
        "reintegrará los recursos no aplicados y entregará los informes del periodo ejecutado.",
        "body_en": "THE PROGRAMME may suspend payments or terminate this agreement early, by "
        "written notice, in case of non-compliance by THE GRANTEE or force majeure; THE GRANTEE "
        "shall then return any unspent funds and submit the reports for the period carried out.",
    },
    {
        "key": "jurisdiction",
        "title_es": "Jurisdicción",
        "title_en": "Jurisdiction",
        "body_es": "Para la interpretación y cumplimiento de este convenio, las partes se "
        "someten a las leyes de los Estados Unidos Mexicanos y a la jurisdicción de los "
        "tribunales competentes de la ciudad de {jurisdiction}, renunciando a cualquier otro "
        "fuero que pudiera corresponderles por razón de su domicilio presente o futuro.",
        "body_en": "For the interpretation and performance of this agreement, the parties submit "
        "to the laws of the United Mexican States and to the jurisdiction of the competent "
        "courts of the city of {jurisdiction}, waiving any other jurisdiction that may "
        "correspond to them by reason of their present or future domicile.",
    },
]
# Followed in the PDF by the award's own terms (see pdf_templates/agreement_sections.html).
DATA_CLAUSES = frozenset(
    {"purpose", "amount", "instrument", "payments", "cofinance", "special_conditions"}
)
PLACEHOLDER = "{jurisdiction}"


def fill(text: str, jurisdiction: str) -> str:
    """The clause text as printed: ``{jurisdiction}`` replaced by the configured city (the
    only placeholder; any other brace is text)."""
    return text.replace(PLACEHOLDER, jurisdiction or "—")


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
