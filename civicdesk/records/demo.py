"""The demo "Public records request" type, the jurisdiction's exemption reasons, and a few requests in every
state for the public log, built through the same services staff and residents use. Used by the Riverbend demo
(civicdesk/cities/riverbend.py) and by tests that need a realistic type."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicdesk.applications import services as applications
from civicdesk.applications.demo import DEMO_PDF, _question, _steps, _t
from civicdesk.applications.models import Application, ApplicationType
from civicdesk.formengine.models import Question

from . import services
from .models import ExemptionReason, Outcome, RecordsPolicy

#: Realistic exemptions (modelled on common state public-records statutes), for the demo city.
EXEMPTIONS = [
    ("personal-privacy", _t("Unwarranted invasion of personal privacy", "Invasión injustificada de la privacidad personal",
                            "انتهاك غير مبرر للخصوصية الشخصية"), "Public Records Act § 7(1)(c)"),
    ("law-enforcement", _t("Active law-enforcement investigation", "Investigación policial en curso",
                           "تحقيق جارٍ لإنفاذ القانون"), "Public Records Act § 7(1)(d)"),
    ("deliberative", _t("Preliminary drafts and deliberations", "Borradores preliminares y deliberaciones",
                        "المسودات الأولية والمداولات"), "Public Records Act § 7(1)(f)"),
    ("attorney-client", _t("Attorney–client privilege", "Privilegio abogado-cliente", "السرية بين المحامي وموكله"),
     "Public Records Act § 7(1)(m)"),
    ("security", _t("Security plans of public buildings", "Planes de seguridad de edificios públicos",
                    "خطط أمن المباني العامة"), "Public Records Act § 7(1)(v)"),
]


def add_exemptions(jurisdiction) -> list[ExemptionReason]:
    return [ExemptionReason.objects.get_or_create(jurisdiction=jurisdiction, code=code,
                                                  defaults={"label": label, "citation": citation, "position": n})[0]
            for n, (code, label, citation) in enumerate(EXEMPTIONS)]


def build_records_type(jurisdiction, *, department, user=None, slug: str = "public-records") -> ApplicationType:
    """"Public records request": what records (long text), which years, how to receive them. Acknowledged within
    5 business days, answered within 20, paused while waiting for the requester; one extension of up to 10
    business days; release links work 30 days. No fee."""
    kind_type = applications.create_type(jurisdiction=jurisdiction, slug=slug, user=user,
                                         name=_t("Public records request", "Solicitud de registros públicos",
                                                 "طلب سجلات عامة"))
    section = kind_type.form.sections.get()
    _question(kind_type, section, Question.Kind.TEXT, _t(
        "Which records do you want? Describe them as precisely as you can.",
        "¿Qué registros desea? Descríbalos con la mayor precisión posible.",
        "ما السجلات التي تريدها؟ صفها بأكبر قدر ممكن من الدقة."), user=user)
    _question(kind_type, section, Question.Kind.TEXT, _t("Which dates or years?", "¿Qué fechas o años?",
                                                         "أي تواريخ أو سنوات؟"), user=user, required=False)
    _steps(kind_type, reviews=[], decision_department=department, user=user, checklist_intake=[])
    intake = kind_type.ordered_steps()[0]
    applications.update_step(intake, user=user, name=_t("Acknowledgement", "Acuse de recibo", "الإقرار بالاستلام"),
                             department=department, checklist=[])
    applications.update_type(kind_type, user=user, description=_t(
        "Ask for a copy of public records: emails, contracts, reports, inspection results. The law gives us "
        "5 business days to acknowledge and 20 to answer. Who you are is never published.",
        "Pida una copia de registros públicos: correos, contratos, informes, inspecciones. La ley nos da 5 días "
        "hábiles para acusar recibo y 20 para responder. Su identidad nunca se publica.",
        "اطلب نسخة من السجلات العامة: رسائل البريد والعقود والتقارير ونتائج التفتيش. يمنحنا القانون 5 أيام عمل "
        "للإقرار بالاستلام و20 يومًا للرد. لا تُنشر هويتك أبدًا."),
        intake_days=5, decision_days=20, warn_days=2, pauses_clock=True, decider_role="supervisor",
        valid_days=None, is_published=True)
    RecordsPolicy.objects.create(application_type=kind_type, max_extensions=1, max_extension_days=10, link_days=30)
    add_exemptions(jurisdiction)
    return kind_type


def pdf_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def submitted_request(kind_type: ApplicationType, requester, *, description: str, now=None) -> Application:
    """A records request answered and submitted by `requester`."""
    application = applications.start_application(kind_type, user=requester, language="en")
    first = kind_type.form.questions_in_order()[0]
    applications.save_answers(application, answers={first.field_name: description}, section_at=0)
    return applications.submit(application, user=requester, now=now)


REQUESTS = [
    ("Contracts for road resurfacing on Main Street in 2025, and the bids received.", Outcome.GRANTED, 30),
    ("Inspection reports of the Riverside Park playground.", Outcome.PARTIAL, 25),
    ("Emails between the mayor's office and the police about the March parade.", Outcome.DENIED, 20),
    ("Noise complaints about the old mill since 1990.", Outcome.NO_RECORDS, 12),
    ("Snow-plough routes and their schedule for this winter.", "", 3),
]


def seed(jurisdiction, *, department, user, requester) -> str:
    """The records type and five requests: granted, granted in part (one exemption), denied, no records, open."""
    kind_type = build_records_type(jurisdiction, department=department, user=user)
    privacy, _law, deliberative = ExemptionReason.objects.filter(jurisdiction=jurisdiction).order_by("position")[:3]
    for description, outcome, days_ago in REQUESTS:
        application = submitted_request(kind_type, requester, description=description,
                                        now=timezone.now() - dt.timedelta(days=days_ago))
        if not outcome:
            continue
        services.acknowledge(application, user=user, now=application.submitted_at + dt.timedelta(days=1))
        if outcome in (Outcome.GRANTED, Outcome.PARTIAL, Outcome.DENIED):
            kept = services.add_document(application, user=user, upload=pdf_upload("records-1.pdf"))
            if outcome == Outcome.DENIED:
                services.mark_document(kept, user=user, treatment="withhold", exemption=deliberative,
                                       in_public_log=False)
        if outcome == Outcome.PARTIAL:
            redacted = services.add_document(application, user=user, upload=pdf_upload("inspection-notes.pdf"))
            services.mark_document(redacted, user=user, treatment="partial", exemption=privacy, in_public_log=True,
                                   redacted_upload=pdf_upload("inspection-notes-redacted.pdf"))
        services.release(application, user=user, outcome=outcome,
                         now=application.submitted_at + dt.timedelta(days=days_ago // 2 or 1))
    return f"1 records request type, {len(REQUESTS)} requests"
