"""Forms of the campaign, team and section pages. They shape the input; the services check
what matters (who, which community, the dates, the questionnaire, the moves)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits

from . import selectors
from .models import Campaign, Team
from .questionnaire import CATALOGUE, DEFAULT, OPTIONAL, REQUIRED

NOT_ASKED = ""
NO_AUTOCOMPLETE = {"autocomplete": "off"}
ASKED_CHOICES = [(NOT_ASKED, _("Not asked")), (OPTIONAL, _("Optional")), (REQUIRED, _("Required"))]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class CommunityChoice:
    """Mixed into a form: the community among those the user runs, hidden when there is one."""

    def set_communities(self, communities) -> None:
        field = self.fields["community"]
        field.queryset = communities
        first_two = list(communities[:2])
        if len(first_two) == 1:
            field.initial = first_two[0]
            field.widget = forms.HiddenInput()


class CampaignForm(NamedLengthLimits, CommunityChoice, forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"))
    name = forms.CharField(label=_("Name of the campaign"), max_length=80)
    purpose = forms.CharField(label=_("Purpose of the campaign"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label=_("Starts on"), widget=_date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=_date_input())
    back_since = forms.DateField(label=_("Back from outside since"), required=False, widget=_date_input(),
                                 help_text=_("The day the question “anyone back from outside since …” asks about; "
                                             "on or before the first day."))
    max_attempts = forms.IntegerField(label=_("Attempts before a door is listed"), min_value=1, max_value=10,
                                      initial=3, help_text=_("A door knocked this many times and never reached "
                                                             "is listed for its grid worker."))

    def __init__(self, *args, communities=None, campaign: Campaign | None = None, **kwargs):
        if campaign is not None and (not args or args[0] is None) and kwargs.get("data") is None:
            kwargs["initial"] = {field: getattr(campaign, field) for field in
                                 ("name", "purpose", "starts_on", "ends_on", "back_since", "max_attempts")}
        super().__init__(*args, **kwargs)
        asked = campaign.questionnaire if campaign is not None else DEFAULT
        for question in CATALOGUE:
            self.fields[f"q_{question.key}"] = forms.ChoiceField(
                label=question.label, choices=ASKED_CHOICES, required=False,
                initial=asked.get(question.key, NOT_ASKED), widget=forms.RadioSelect)
        if campaign is not None:
            del self.fields["community"]  # a campaign stays in its community
        else:
            self.set_communities(communities)

    def main_fields(self):
        return [self[name] for name in ("name", "purpose", "starts_on", "ends_on", "back_since", "max_attempts")]

    def question_fields(self):
        return [self[f"q_{question.key}"] for question in CATALOGUE]

    def questionnaire(self) -> dict:
        return {q.key: self.cleaned_data[f"q_{q.key}"] for q in CATALOGUE
                if self.cleaned_data.get(f"q_{q.key}") in (REQUIRED, OPTIONAL)}

    def campaign_data(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "purpose": data["purpose"], "starts_on": data["starts_on"],
                "ends_on": data["ends_on"], "back_since": data["back_since"], "max_attempts": data["max_attempts"],
                "questionnaire": self.questionnaire()}


class TeamForm(NamedLengthLimits, forms.Form):
    name = forms.CharField(label=_("Name of the team"), max_length=60, widget=forms.TextInput(attrs=NO_AUTOCOMPLETE))
    members = forms.ModelMultipleChoiceField(queryset=None, label=_("Members"), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, community_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        roles = selectors.team_candidate_roles(community_id)
        field = self.fields["members"]
        field.queryset = selectors.team_candidates(community_id)
        field.label_from_instance = lambda user: f"{user_label(user)} · {'、'.join(roles.get(user.pk, []))}"


class SectionForm(NamedLengthLimits, forms.Form):
    name = forms.CharField(label=_("Name of the section"), max_length=60, widget=forms.TextInput(attrs=NO_AUTOCOMPLETE))
    team = forms.ModelChoiceField(queryset=None, label=_("Canvassing team"), required=False,
                                  empty_label=_("No team yet"))
    buildings = forms.ModelMultipleChoiceField(queryset=None, label=_("Buildings"), required=False)

    def __init__(self, *args, community_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(community_id=community_id).order_by("name")
        self.fields["buildings"].queryset = selectors.section_buildings_choice(community_id)

    def chosen_building_ids(self) -> set[int]:
        """The buildings ticked now (the posted ones, or the section's own before a post)."""
        value = self["buildings"].value() or []
        ids = set()
        for item in value:
            try:
                ids.add(int(getattr(item, "pk", item)))
            except (TypeError, ValueError):
                continue
        return ids
