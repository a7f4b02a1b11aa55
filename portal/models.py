"""Imports every model so that ``Base.metadata`` is complete (Alembic, tests)."""

from portal.accounts.factor_models import RecoveryCode, TotpFactor, WebAuthnCredential
from portal.accounts.models import User, UserRole
from portal.accounts.session_models import KnownDevice, UserSession
from portal.api.models import ApiToken
from portal.applications.models import (
    Application,
    ApplicationCounter,
    ApplicationMessage,
    BudgetLine,
    CofinanceSource,
    StatusChange,
)
from portal.audit.models import AuditEntry
from portal.awards.amendments.bank_accounts import GrantBankAccount
from portal.awards.amendments.document_models import AmendmentDocument, AmendmentSignature
from portal.awards.amendments.models import Amendment
from portal.awards.models import (
    Agreement,
    AgreementClause,
    Award,
    CofinanceCommitment,
    Milestone,
    RiskAssessment,
    Signature,
)
from portal.calls.form_models import (
    CallDocumentSlot,
    EligibilityQuestion,
    FormQuestion,
    FormVersion,
)
from portal.calls.models import Call, CallNotice, Programme
from portal.closeout.models import Closeout
from portal.core.db import Base
from portal.documents.models import Document
from portal.finance.models import (
    AdvanceLiquidation,
    Cfdi,
    CofinanceContribution,
    Disbursement,
    ExpenseLine,
    PaymentRequest,
)
from portal.finance.reminder_models import MilestoneReminder
from portal.mail.models import OutboxMessage
from portal.organisations.models import Invitation, Membership, Organisation
from portal.reporting.models import ExchangeRate
from portal.reports.models import (
    GrantReport,
    ReportComment,
    ReportExpenditure,
    ReportQuestion,
    ReportReminder,
)
from portal.results.models import (
    AwardIndicator,
    Indicator,
    IndicatorActual,
    IndicatorActualBreakdown,
    IndicatorTarget,
)
from portal.reviews.models import (
    Assignment,
    CommitteeOrder,
    Consensus,
    ConsensusScore,
    Criterion,
    Panel,
    PanelMember,
    Review,
    ReviewScore,
    Rubric,
    ScreeningDecision,
)
from portal.scheduler.models import ScheduledRun

__all__ = [
    "AdvanceLiquidation",
    "Agreement",
    "AgreementClause",
    "Amendment",
    "AmendmentDocument",
    "AmendmentSignature",
    "ApiToken",
    "Application",
    "ApplicationCounter",
    "ApplicationMessage",
    "Assignment",
    "AuditEntry",
    "Award",
    "AwardIndicator",
    "Base",
    "BudgetLine",
    "Call",
    "CallDocumentSlot",
    "CallNotice",
    "Cfdi",
    "Closeout",
    "CofinanceCommitment",
    "CofinanceContribution",
    "CofinanceSource",
    "CommitteeOrder",
    "Consensus",
    "ConsensusScore",
    "Criterion",
    "Disbursement",
    "Document",
    "EligibilityQuestion",
    "ExchangeRate",
    "ExpenseLine",
    "FormQuestion",
    "FormVersion",
    "GrantBankAccount",
    "GrantReport",
    "Indicator",
    "IndicatorActual",
    "IndicatorActualBreakdown",
    "IndicatorTarget",
    "Invitation",
    "KnownDevice",
    "Membership",
    "Milestone",
    "MilestoneReminder",
    "Organisation",
    "OutboxMessage",
    "Panel",
    "PanelMember",
    "PaymentRequest",
    "Programme",
    "RecoveryCode",
    "ReportComment",
    "ReportExpenditure",
    "ReportQuestion",
    "ReportReminder",
    "Review",
    "ReviewScore",
    "RiskAssessment",
    "Rubric",
    "ScheduledRun",
    "ScreeningDecision",
    "Signature",
    "StatusChange",
    "TotpFactor",
    "User",
    "UserRole",
    "UserSession",
    "WebAuthnCredential",
]
