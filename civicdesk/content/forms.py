"""Edit forms of the help content (on editorial.forms.EditorialForm) and the "was this page helpful?" form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.editorial.forms import EditorialForm
from civicdesk.editorial.registry import Editable

from .models import Article, FaqEntry, GlossaryTerm, Topic


class TopicForm(EditorialForm):
    class Meta:
        model = Topic
        fields = ["jurisdiction", "slug", "order"]


class ArticleForm(EditorialForm):
    class Meta:
        model = Article
        fields = ["jurisdiction", "slug", "featured", "topics", "service_types", "faqs"]
        widgets = {"topics": forms.CheckboxSelectMultiple, "service_types": forms.CheckboxSelectMultiple, "faqs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_types"].queryset = ServiceType.objects.public().order_by("name")
        self.fields["faqs"].queryset = FaqEntry.objects.exclude(status="archived").order_by("order", "id")
        self.fields["topics"].queryset = Topic.objects.exclude(status="archived")


class FaqEntryForm(EditorialForm):
    class Meta:
        model = FaqEntry
        fields = ["jurisdiction", "order", "topics"]
        widgets = {"topics": forms.CheckboxSelectMultiple}


class GlossaryTermForm(EditorialForm):
    class Meta:
        model = GlossaryTerm
        fields = ["jurisdiction", "slug"]


EDITABLES = [
    Editable(key="article", model="content.Article", form_class=ArticleForm, label=_("Article"),
             label_plural=_("Articles"), order=10),
    Editable(key="faq", model="content.FaqEntry", form_class=FaqEntryForm, label=_("Question and answer"),
             label_plural=_("Questions and answers"), order=20),
    Editable(key="glossary", model="content.GlossaryTerm", form_class=GlossaryTermForm, label=_("Glossary term"),
             label_plural=_("Glossary terms"), order=30),
    Editable(key="topic", model="content.Topic", form_class=TopicForm, label=_("Topic"),
             label_plural=_("Topics"), order=40),
]


class HelpfulForm(forms.Form):
    helpful = forms.TypedChoiceField(label=_("Was this page helpful?"), choices=[("yes", _("Yes")), ("no", _("No"))],
                                     coerce=lambda value: value == "yes", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("How could this page be better? (optional)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
                              help_text=_("Read by the city's editors only. Do not include personal details: "
                                          "to report a problem, use Report a problem."))
