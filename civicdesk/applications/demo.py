"""Demo permit and licence types (a fence permit, a block-party permit, a dog licence) and a few applications
in every state, built through the same services staff and residents use. Used by the Riverbend demo
(civicdesk/cities/riverbend.py) and by tests that need a realistic type."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from shapely.geometry import shape

from civicdesk.formengine.models import Question
from civicdesk.surveys import services as builder

from . import registers, services
from .models import Application, ApplicationType, ChecklistMark, DocumentRequirement, FeeRule

K = Question.Kind
F = DocumentRequirement.Format

#: A minimal valid one-page PDF: what demo applicants "upload".
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _t(en: str, es: str, ar: str = "") -> dict:
    return {key: value for key, value in (("en", en), ("es", es), ("ar", ar)) if value}


def _question(kind_type, section, kind, text: dict, *, user=None, required=True, choices=(), **extra):
    return builder.save_question(kind_type, user=user, section=section, kind=kind, text=text, help_text={},
                                 required=required, choices=list(choices), **extra)


def _steps(kind_type, *, reviews, decision_department, user, checklist_intake):
    intake, decision = kind_type.ordered_steps()
    services.update_step(intake, user=user, name=_t("Intake check", "Revisión de admisión", "التحقق من الطلب"),
                         department=None, checklist=checklist_intake)
    for name, department, checklist in reviews:
        services.add_step(kind_type, user=user, name=name, department=department, checklist=checklist)
    services.update_step(decision, user=user, name=_t("Decision", "Decisión", "القرار"), department=decision_department,
                         checklist=[])


COMPLETE = _t("The application is complete", "La solicitud está completa", "الطلب مكتمل")
DOCUMENTS_READ = _t("The documents are readable", "Los documentos se pueden leer", "المستندات مقروءة")


def build_fence_permit(jurisdiction, *, review_department, second_department=None, decision_department=None,
                       user=None, slug: str = "fence-permit") -> ApplicationType:
    """A fence permit: where, how high, how long, which material. Fee $25 + $0.50 per foot of fence. Site plan
    required (PDF or photo, 10 MB). Intake, zoning review (and a right-of-way review when a second department is
    given), decision by a supervisor; 3 business days to intake, 15 to decide, paused while waiting."""
    kind_type = services.create_type(jurisdiction=jurisdiction, slug=slug, user=user,
                                     name=_t("Fence permit", "Permiso de cerca", "تصريح سياج"))
    section = kind_type.form.sections.get()
    _question(kind_type, section, K.MAP_PIN, _t("Where will the fence be?", "¿Dónde estará la cerca?",
                                                 "أين سيكون السياج؟"), user=user)
    _question(kind_type, section, K.NUMBER, _t("Height in feet", "Altura en pies", "الارتفاع بالقدم"), user=user,
              min_value=1, max_value=8)
    length = _question(kind_type, section, K.NUMBER, _t("Length in feet", "Longitud en pies", "الطول بالقدم"),
                       user=user, min_value=1, max_value=2000)
    _question(kind_type, section, K.SINGLE, _t("Material", "Material", "المادة"), user=user,
              choices=[_t("Wood", "Madera", "خشب"), _t("Metal", "Metal", "معدن"), _t("Vinyl", "Vinilo", "فينيل")])
    services.add_requirement(kind_type, user=user, name=_t("Site plan", "Plano del sitio", "مخطط الموقع"),
                             help_text=_t("A drawing of your lot showing where the fence goes.",
                                          "Un dibujo de su terreno que muestre dónde va la cerca.",
                                          "رسم لقطعة أرضك يبين مكان السياج."),
                             formats=[F.PDF, F.IMAGE], max_mb=10)
    services.add_fee_rule(kind_type, user=user, kind=FeeRule.Kind.FIXED, amount_cents=2500,
                          label=_t("Application fee: $25", "Tarifa de solicitud: $25", "رسوم الطلب: 25 دولارًا"))
    services.add_fee_rule(kind_type, user=user, kind=FeeRule.Kind.PER_UNIT, amount_cents=50, question=length,
                          label=_t("$0.50 per foot of fence", "$0.50 por pie de cerca", "0.50 دولار لكل قدم من السياج"))
    reviews = [(_t("Zoning review", "Revisión de zonificación", "مراجعة التقسيم"), review_department,
                [_t("Height within the zone's limit", "Altura dentro del límite de la zona", "الارتفاع ضمن حد المنطقة"),
                 _t("Set back from the property line", "Retirada del límite de la propiedad", "بعيد عن حد الملكية")])]
    if second_department is not None:
        reviews.append((_t("Right-of-way review", "Revisión de la vía pública", "مراجعة حق الطريق"), second_department,
                        [_t("No sidewalk or hydrant blocked", "No bloquea acera ni hidrante", "لا يسد الرصيف أو صنبور الحريق")]))
    _steps(kind_type, reviews=reviews, decision_department=decision_department or review_department, user=user,
           checklist_intake=[COMPLETE, DOCUMENTS_READ])
    services.update_type(kind_type, user=user, description=_t(
        "For a new or replaced fence on your property. Fences over 8 feet are not allowed.",
        "Para una cerca nueva o reemplazada en su propiedad. No se permiten cercas de más de 8 pies.",
        "لسياج جديد أو بديل في عقارك. لا يُسمح بالأسوار التي يزيد ارتفاعها عن 8 أقدام."),
        intake_days=3, decision_days=15, pauses_clock=True, decider_role="supervisor", valid_days=180,
        is_published=True)
    return kind_type


def build_block_party(jurisdiction, *, review_department, user=None, slug: str = "block-party") -> ApplicationType:
    """A block-party permit: date, street, whether the street closes (a $40 closure fee when it does; $15
    otherwise). Neighbours' petition optional. 10 business days to decide, paused while waiting."""
    kind_type = services.create_type(jurisdiction=jurisdiction, slug=slug, user=user,
                                     name=_t("Block-party permit", "Permiso de fiesta vecinal", "تصريح حفلة الحي"))
    section = kind_type.form.sections.get()
    _question(kind_type, section, K.DATE, _t("Date of the party", "Fecha de la fiesta", "تاريخ الحفلة"), user=user)
    _question(kind_type, section, K.TEXT, _t("Street and block", "Calle y cuadra", "الشارع والمربع"), user=user)
    closes = _question(kind_type, section, K.SINGLE, _t("Will the street be closed to traffic?",
                                                        "¿Se cerrará la calle al tráfico?", "هل سيُغلق الشارع أمام المرور؟"),
                       user=user, choices=[_t("Yes", "Sí", "نعم"), _t("No", "No", "لا")])
    services.add_requirement(kind_type, user=user, required=False, formats=[F.PDF, F.IMAGE], max_mb=5,
                             name=_t("Neighbours' petition", "Petición de los vecinos", "عريضة الجيران"))
    services.add_fee_rule(kind_type, user=user, kind=FeeRule.Kind.FIXED, amount_cents=1500,
                          label=_t("Permit fee: $15", "Tarifa del permiso: $15", "رسوم التصريح: 15 دولارًا"))
    services.add_fee_rule(kind_type, user=user, kind=FeeRule.Kind.BY_ANSWER, amount_cents=4000, question=closes,
                          choice=closes.choices.order_by("position").first(),
                          label=_t("Street closure: $40", "Cierre de la calle: $40", "إغلاق الشارع: 40 دولارًا"))
    _steps(kind_type, reviews=[(_t("Traffic review", "Revisión de tráfico", "مراجعة المرور"), review_department,
                                [_t("Barricades available", "Barreras disponibles", "الحواجز متاحة")])],
           decision_department=review_department, user=user, checklist_intake=[COMPLETE])
    services.update_type(kind_type, user=user, description=_t(
        "Close your block for a neighbourhood party.", "Cierre su cuadra para una fiesta del vecindario.",
        "أغلق مربعك السكني لحفلة في الحي."), intake_days=2, decision_days=10, pauses_clock=True,
        decider_role="staff", valid_days=None, is_published=True)
    return kind_type


def build_dog_licence(jurisdiction, *, review_department, user=None, slug: str = "dog-licence") -> ApplicationType:
    """A dog licence for a year: $10 when spayed or neutered, $25 otherwise; rabies certificate required. The
    clock does not pause (the licence office decides in 5 business days regardless)."""
    kind_type = services.create_type(jurisdiction=jurisdiction, slug=slug, user=user, kind=ApplicationType.Kind.LICENCE,
                                     name=_t("Dog licence", "Licencia para perros", "رخصة كلب"))
    section = kind_type.form.sections.get()
    _question(kind_type, section, K.TEXT, _t("Dog's name", "Nombre del perro", "اسم الكلب"), user=user)
    fixed = _question(kind_type, section, K.SINGLE, _t("Is the dog spayed or neutered?", "¿Está esterilizado el perro?",
                                                       "هل الكلب معقم؟"), user=user,
                      choices=[_t("Yes", "Sí", "نعم"), _t("No", "No", "لا")])
    yes, no = list(fixed.choices.order_by("position"))
    services.add_requirement(kind_type, user=user, formats=[F.PDF, F.IMAGE], max_mb=5,
                             name=_t("Rabies vaccination certificate", "Certificado de vacuna antirrábica",
                                     "شهادة التطعيم ضد داء الكلب"))
    services.add_fee_rule(kind_type, user=user, kind=FeeRule.Kind.BY_ANSWER, amount_cents=1000, question=fixed,
                          choice=yes, label=_t("Spayed or neutered: $10", "Esterilizado: $10", "معقم: 10 دولارات"))
    services.add_fee_rule(kind_type, user=user, kind=FeeRule.Kind.BY_ANSWER, amount_cents=2500, question=fixed,
                          choice=no, label=_t("Not spayed or neutered: $25", "No esterilizado: $25", "غير معقم: 25 دولارًا"))
    _steps(kind_type, reviews=[], decision_department=review_department, user=user, checklist_intake=[
        COMPLETE, _t("Rabies certificate is current", "El certificado antirrábico está vigente", "شهادة داء الكلب سارية")])
    services.update_type(kind_type, user=user, description=_t(
        "Every dog over four months old needs a licence, renewed each year.",
        "Todo perro de más de cuatro meses necesita una licencia, que se renueva cada año.",
        "يحتاج كل كلب يزيد عمره عن أربعة أشهر إلى رخصة تُجدد كل عام."),
        intake_days=2, decision_days=5, pauses_clock=False, decider_role="staff", valid_days=365, is_published=True)
    return kind_type


def fence_answers(kind_type: ApplicationType, *, length: int = 60) -> dict:
    """Answers to the fence permit's form (a pin in the jurisdiction is not needed: an address will do)."""
    questions = kind_type.form.questions_in_order()
    wood = questions[3].choices.order_by("position").first()
    return {questions[0].field_name: {"lat": None, "long": None, "address": "12 Oak Street"},
            questions[1].field_name: "6", questions[2].field_name: str(length), questions[3].field_name: wood.pk}


def pdf_upload(name: str = "site-plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def submitted_fence(kind_type: ApplicationType, applicant, *, now=None, length: int = 60) -> Application:
    """A fence permit application, answered, with its site plan, and submitted."""
    application = services.start_application(kind_type, user=applicant, language="en")
    services.save_answers(application, answers=fence_answers(kind_type, length=length), section_at=0)
    services.upload_document(application, user=applicant, upload=pdf_upload(),
                             requirement=kind_type.requirements.get())
    return services.submit(application, user=applicant, now=now)


def open_registers(fence: ApplicationType, party: ApplicationType, dog: ApplicationType, *, user=None) -> None:
    """The demo registers: fences with their place, height and material; block parties with their street and
    date; dog licences with their status and dates only (no place: it would be the owner's home). Dog licences
    remind their holders 60 and 14 days before they expire."""
    height, material = fence.form.questions_in_order()[1], fence.form.questions_in_order()[3]
    registers.save_settings(fence, user=user, enabled=True, place_question=fence.form.questions_in_order()[0],
                            public_questions=[height, material])
    day, street = party.form.questions_in_order()[:2]
    registers.save_settings(party, user=user, enabled=True, place_question=street, public_questions=[day])
    registers.save_settings(dog, user=user, enabled=True, show_place=False)
    services.update_type(dog, user=user, renewal_window_days=60, second_reminder_days=14)


def decided(application: Application, *, user, now=None, approve: bool = True):
    """Walk a submitted application through its steps (checklists ticked) and decide it, as reviewers do."""
    while application.step.kind != "decision":
        for index in range(len(application.step.checklist)):
            ChecklistMark.objects.get_or_create(application=application, step=application.step, item=index,
                                                defaults={"user": user})
        services.complete_step(application, user=user)
    if approve and application.fee_cents:
        services.record_fee(application, user=user, now=now)
    return services.decide(application, user=user, approve=approve, reasons="Meets the rules.", now=now)


def dog_licence_near_expiry(dog: ApplicationType, applicant, *, user=None, days_left: int = 35):
    """An approved dog licence of `applicant` that expires in `days_left` days: its renewal reminder is due."""
    now = timezone.now() - dt.timedelta(days=(dog.valid_days or 365) - days_left)
    questions = dog.form.questions_in_order()
    application = services.start_application(dog, user=applicant, language="en")
    services.save_answers(application, answers={questions[0].field_name: "Biscuit",
                                                questions[1].field_name: questions[1].choices.order_by("position")
                                                .first().pk}, section_at=0)
    services.upload_document(application, user=applicant, upload=pdf_upload("rabies.pdf"),
                             requirement=dog.requirements.get())
    return decided(services.submit(application, user=applicant, now=now), user=user, now=now)


def seed(jurisdiction, departments: dict, *, user=None, applicant=None) -> str:
    """The three demo types of Riverbend with their public registers and, with an applicant, five fence
    applications in several states, an issued fence permit on the map, and a dog licence whose renewal reminder
    is due."""
    fence = build_fence_permit(jurisdiction, review_department=departments["code-enforcement"],
                               second_department=departments["public-works"],
                               decision_department=departments["code-enforcement"], user=user)
    party = build_block_party(jurisdiction, review_department=departments["transportation"], user=user)
    dog = build_dog_licence(jurisdiction, review_department=departments["code-enforcement"], user=user)
    open_registers(fence, party, dog, user=user)
    made = 0
    if applicant is not None:
        now = timezone.now()
        for days_ago in (20, 9, 4, 1):
            submitted_fence(fence, applicant, now=now - dt.timedelta(days=days_ago), length=40 + days_ago)
            made += 1
        waiting = Application.objects.filter(application_type=fence).order_by("id")[1]
        services.request_information(waiting, user=user, message="Please add the fence's distance from the sidewalk.")
        draft = services.start_application(fence, user=applicant, language="en")
        services.save_answers(draft, answers=fence_answers(fence), section_at=0)
        issued = services.start_application(fence, user=applicant, language="en")
        point = shape(jurisdiction.boundary).representative_point()
        answers = fence_answers(fence, length=80)
        answers[fence.form.questions_in_order()[0].field_name] = {"lat": round(point.y, 6), "long": round(point.x, 6),
                                                                  "address": "40 Elm Avenue"}
        services.save_answers(issued, answers=answers, section_at=0)
        services.upload_document(issued, user=applicant, upload=pdf_upload(), requirement=fence.requirements.get())
        decided(services.submit(issued, user=applicant), user=user)
        dog_licence_near_expiry(dog, applicant, user=user)
        made += 3
    return f"3 permit and licence types, {made} applications"
