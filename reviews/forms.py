from django import forms
from django.urls import reverse_lazy

from core.markup import MARKDOWN_MAX_LENGTH
from reviews.items import PLACE_EXAMPLES
from reviews.models import Comment, ModerationReason, Review, ReviewItem

PROMPTS = {
    "summary": "What do the papers set out to do, how, and what do they find? In your own words.",
    "confusions": "What did you not understand? Equations, steps, claims you could not follow.",
    "questions": "What would you like the group to discuss at the meeting?",
}


def markdown_textarea(*, rows: int) -> forms.Textarea:
    """A textarea that markdown-editor.js gives Write/Preview tabs and the form template a help link."""
    return forms.Textarea(
        attrs={"rows": rows, "data-markdown-editor": "", "data-preview-url": reverse_lazy("reviews:markdown_preview")}
    )


class ReviewForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Review
        fields = ["summary", "confusions", "questions"]
        widgets = {name: markdown_textarea(rows=8) for name in ["summary", "confusions", "questions"]}
        help_texts = PROMPTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Review.markdown_fields:
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_helptext"
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def parts(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in Review.markdown_fields}


class CommentForm(forms.ModelForm):
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Comment"}
        widgets = {"body": markdown_textarea(rows=4)}
        help_texts = {"body": "Markdown works: *emphasis*, `code`, lists, links and maths."}


class CommentEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Comment"}
        widgets = {"body": markdown_textarea(rows=5)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class MarkdownPreviewForm(forms.Form):
    """The text the editor's Preview tab sends; as long as any Markdown field may be."""

    text = forms.CharField(max_length=MARKDOWN_MAX_LENGTH, required=False, strip=False)


class ModerationReasonForm(forms.Form):
    """A reason from the short list and an optional note: for hiding a comment or a review, and for reporting a
    comment."""

    reason = forms.ChoiceField(choices=ModerationReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    labels: dict[str, str] = {}
    help_texts: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            self.fields[name].label = label
        for name, help_text in self.help_texts.items():
            self.fields[name].help_text = help_text


class HideCommentForm(ModerationReasonForm):
    labels = {"reason": "Why hide it?", "note": "A word to its author (optional)"}
    help_texts = {"note": "Shown to the comment's author with the reason, and kept in the moderation log."}


class HideReviewForm(ModerationReasonForm):
    labels = HideCommentForm.labels
    help_texts = {"note": "Shown to the review's author with the reason, and kept in the moderation log."}


class ReportCommentForm(ModerationReasonForm):
    labels = {"reason": "What is wrong?", "note": "Anything the organisers should know (optional)"}
    help_texts = {"note": "Only organisers see your report."}


class ItemOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(value, label) for value, label in ReviewItem.Outcome.choices],
        widget=forms.RadioSelect,
        required=False,
        label="For the meeting",
    )
    answer = forms.CharField(
        max_length=MARKDOWN_MAX_LENGTH,
        required=False,
        strip=False,
        label="Answer note",
        help_text="Optional, Markdown: what the meeting made of it. Its author sees it on the agenda.",
        widget=markdown_textarea(rows=4),
    )


class ItemPlaceForm(forms.Form):
    paper = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Paper")
    place = forms.CharField(max_length=40, required=False, label="Place in the paper")

    def __init__(self, *args, papers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paper"].choices = [("", "As the text says")] + [
            (paper.position, f"Paper {paper.position}: {paper.title}") for paper in papers
        ]
        if len(papers) < 2:
            del self.fields["paper"]
        self.fields["place"].help_text = f"For example {PLACE_EXAMPLES}. Leave empty to take it from the text."


class ItemMergeForm(forms.Form):
    into = forms.IntegerField(min_value=1, label="Duplicate of item #")


class MeetingNotesForm(forms.Form):
    notes = forms.CharField(
        max_length=MARKDOWN_MAX_LENGTH,
        required=False,
        strip=False,
        label="Meeting notes",
        help_text="Markdown. Shown on the week page; answered items link here.",
        widget=markdown_textarea(rows=16),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
