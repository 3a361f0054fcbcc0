"""Activities: the index (Aktiviteter) and the activity pages with their calendar files, their
sign-up form and its receipt (the sign-ups themselves: activities/signups.py)."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Min, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from base.models import BasePage, PicturedPage, picture_panel
from base.pagination import listing_url, page_links, paginate
from base.privacy import public_q
from pagecache.cache import cached_data, changes_at, depends_on, varies_on_query

from . import ical
from .cancellation import CancelRouteMixin
from .dates import DANISH_TIME, danish_moment, danish_period, danish_period_html
from .forms import SignUpForm, from_another_site
from .signups import SignUp, seats_taken, signups_key


class ActivityType(models.TextChoices):
    TEMADAG = "temadag", "Temadag"
    SEMINAR = "seminar", "Seminar"
    WORKSHOP = "workshop", "Workshop"
    LEDERFORUM = "lederforum", "LederForum"
    FLLA = "flla", "Faxe Leder & LæringsAkademi"


class ActivityPageQuerySet(PageQuerySet):
    def upcoming(self, now=None):
        """Activities that have not ended yet (those going on now included)."""
        return self.filter(end__gte=now or timezone.now())

    def in_listing_order(self, now):
        """Upcoming activities first, soonest first; then past ones, newest first."""
        upcoming = Q(end__gte=now)
        return self.annotate(
            is_past=Case(When(upcoming, then=Value(False)), default=Value(True)),
            upcoming_start=Case(When(upcoming, then=F("start"))),
            past_start=Case(When(~upcoming, then=F("start"))),
        ).order_by(
            "is_past",
            F("upcoming_start").asc(nulls_last=True),
            F("past_start").desc(nulls_last=True),
            "path",
        )

    def with_seats_taken(self):
        """Each activity's confirmed sign-ups as `seats_taken`, in the same query."""
        return self.annotate(seats_taken=seats_taken())


def visible_activities():
    """Activity pages visitors can see, anywhere in the tree."""
    return ActivityPage.objects.live().filter(public_q())


def upcoming_activities(limit: int = 3) -> list["ActivityPage"]:
    """The next activities, soonest first, for other pages to show (the home page): one query.
    The calling page is renewed when an activity is published or changed, or when the first of
    them ends."""
    depends_on("model:activities.activitypage")
    now = timezone.now()
    activities = list(
        visible_activities().upcoming(now).with_seats_taken().order_by("start", "path")[:limit]
    )
    changes_at(min((a.end for a in activities), default=None))
    return activities


class CalendarRouteMixin(RoutablePageMixin):
    """A page with a calendar file of its own at kalender.ics (its route named "calendar")."""

    def calendar_url(self, request=None) -> str:
        # Without the trailing slash: activities/urls.py hands ".ics" addresses to Wagtail.
        return self.get_url(request) + self.reverse_subpage("calendar").rstrip("/")


class ActivityIndexPage(CalendarRouteMixin, BasePage):
    """Aktiviteter: upcoming activities first, then past ones; filtered by type through the
    query string (?type=temadag), paginated (?side=2), and as a calendar file."""

    per_page = 10

    parent_page_types = ["home.HomePage"]
    subpage_types = ["activities.ActivityPage"]
    max_count = 1

    class Meta:
        verbose_name = "aktivitetsoversigt"
        verbose_name_plural = "aktivitetsoversigter"

    def activities(self):
        return ActivityPage.objects.child_of(self).live().filter(public_q())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        depends_on(f"children:{self.path}")
        now = timezone.now()
        varies_on_query("type")
        activity_type = request.GET.get("type", "")
        if activity_type and activity_type not in ActivityType.values:
            raise Http404("Ingen aktiviteter af den type.")
        activities = self.activities()
        if activity_type:
            activities = activities.filter(activity_type=activity_type)
        # The listing changes when the first upcoming activity ends and becomes a past one.
        changes_at(activities.upcoming(now).aggregate(first_end=Min("end"))["first_end"])

        listing = paginate(
            activities.in_listing_order(now).with_seats_taken(), request, self.per_page
        )
        own_url = self.get_url(request)
        context.update(
            listing=listing,
            activity_type=activity_type,
            activity_type_label=ActivityType(activity_type).label if activity_type else "",
            type_links=[
                {
                    "label": label,
                    "url": listing_url(own_url, {"type": value}),
                    "is_current": value == activity_type,
                }
                for value, label in [("", "Alle"), *ActivityType.choices]
            ],
            pagination=page_links(listing, own_url, type=activity_type),
            calendar_url=self.calendar_url(request),
        )
        return context

    @path("kalender.ics/", name="calendar")
    def calendar(self, request):
        """Every upcoming activity, for importing or subscribing in a calendar program."""
        activities = list(self.activities().upcoming().order_by("start", "path"))
        return ical.calendar_response(
            ical.calendar_for(request, self, activities, name=f"{self.title} – Faxe i Fællesskab"),
            filename="aktiviteter.ics",
        )


class ActivityPage(CancelRouteMixin, CalendarRouteMixin, PicturedPage, BasePage):
    """One activity: a temadag, seminar, workshop, LederForum or Faxe Leder & LæringsAkademi,
    with its time, place and audience, and optionally a sign-up with a number of seats."""

    activity_type = models.CharField(
        "type", max_length=20, choices=ActivityType, default=ActivityType.TEMADAG
    )
    start = models.DateTimeField("starter", help_text="Dato og klokkeslæt i dansk tid.")
    end = models.DateTimeField("slutter", help_text="Dato og klokkeslæt i dansk tid.")
    place = models.CharField(
        "sted", max_length=255, help_text="Fx Rådhuset, Frederiksgade 9, 4690 Haslev."
    )
    audience = models.CharField(
        "målgruppe", max_length=255, blank=True, help_text="Fx Alle ledere i Faxe Kommune."
    )
    signup_enabled = models.BooleanField(
        "tilmelding på siden",
        default=False,
        help_text="Deltagerne tilmelder sig på siden, og procesleder ser tilmeldingerne under "
        "'Tilmeldinger' i menuen.",
    )
    capacity = models.PositiveIntegerField(
        "antal pladser",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Tom: ingen grænse. Når pladserne er optaget, kommer nye tilmeldinger på "
        "venteliste.",
    )
    signup_deadline = models.DateTimeField(
        "tilmeldingsfrist",
        null=True,
        blank=True,
        help_text="Tom: man kan tilmelde sig, indtil aktiviteten begynder.",
    )

    content_panels = BasePage.content_panels[:1] + [
        MultiFieldPanel(
            [
                FieldPanel("activity_type"),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("place"),
                FieldPanel("audience"),
            ],
            heading="Hvad, hvornår og hvor",
        ),
        picture_panel(),
        *BasePage.content_panels[1:],
        MultiFieldPanel(
            [
                FieldPanel("signup_enabled"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("signup_deadline")]),
            ],
            heading="Tilmelding",
        ),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("place"),
        index.SearchField("audience"),
        index.SearchField("get_activity_type_display"),
        index.FilterField("start"),
        index.FilterField("end"),
        index.FilterField("activity_type"),
    ]
    parent_page_types = ["activities.ActivityIndexPage"]
    subpage_types: list[str] = []
    show_in_menus_default = False

    objects = PageManager.from_queryset(ActivityPageQuerySet)()

    class Meta:
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "Aktiviteten skal slutte, efter den begynder."
        if self.signup_deadline and self.end and self.signup_deadline > self.end:
            errors["signup_deadline"] = "Tilmeldingsfristen skal ligge, før aktiviteten slutter."
        if errors:
            raise ValidationError(errors)

    # What visitors read.

    @property
    def when(self) -> str:
        """'tirsdag 10. oktober 2017, kl. 9.00–15.00' (mails, exports)"""
        return danish_period(self.start, self.end)

    @property
    def when_html(self) -> str:
        """`when` for the site's pages, the time kept on one line."""
        return danish_period_html(self.start, self.end)

    @property
    def start_iso(self) -> str:
        """The start for machines (<time datetime>, JSON-LD): Danish time, whole seconds."""
        return self.start.astimezone(DANISH_TIME).replace(microsecond=0).isoformat()

    @property
    def end_iso(self) -> str:
        return self.end.astimezone(DANISH_TIME).replace(microsecond=0).isoformat()

    @property
    def signup_closes(self):
        return self.signup_deadline or self.start

    @property
    def signup_deadline_text(self) -> str:
        return danish_moment(self.signup_closes)

    def has_ended(self, now=None) -> bool:
        return self.end < (now or timezone.now())

    def signup_is_open(self, now=None) -> bool:
        return self.signup_enabled and (now or timezone.now()) < self.signup_closes

    def confirmed_count(self) -> int:
        """Seats taken. Kept in the cache until a sign-up for this activity changes, so
        publishing the page does not cost a query for it."""
        key = signups_key(self.pk)
        return cached_data(key, (key,), self.signups.filter(status=SignUp.Status.CONFIRMED).count)

    @property
    def fully_booked(self) -> bool:
        """Sign-up is open, seats are limited and none is left (a listing's `seats_taken` saves
        the query); what shows it is renewed when the seats change or the sign-up closes."""
        if not (self.capacity and self.signup_is_open()):
            return False
        depends_on(signups_key(self.pk))
        taken = getattr(self, "seats_taken", None)
        if full := (self.confirmed_count() if taken is None else taken) >= self.capacity:
            changes_at(self.signup_closes)
        return full

    def signup_state(self, now=None) -> dict:
        """Whether visitors can sign up, and the seats left when seats are limited."""
        now = now or timezone.now()
        state = {"open": self.signup_is_open(now), "capacity": self.capacity}
        if state["open"] and self.capacity:
            confirmed = self.confirmed_count()
            state["seats_left"] = max(self.capacity - confirmed, 0)
            state["full"] = state["seats_left"] == 0
        return state

    def structured_data(self, request) -> dict:
        """schema.org Event, for search engines."""
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "startDate": self.start_iso,
            "endDate": self.end_iso,
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": {"@type": "Place", "name": self.place, "address": self.place},
            "organizer": {
                "@type": "GovernmentOrganization",
                "name": "Faxe Kommune",
                "url": request.build_absolute_uri("/"),
            },
            "url": request.build_absolute_uri(self.get_url(request)),
            "inLanguage": "da",
        }
        if description := self.summary:
            data["description"] = description
        if self.audience:
            data["audience"] = {"@type": "Audience", "audienceType": self.audience}
        if picture := self.page_picture:
            data["image"] = picture.for_sharing(request)["url"]
        return data

    def signup_url(self, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("signup")

    def thanks_url(self, request=None, signup=None, mailed=True) -> str:
        url = self.get_url(request) + self.reverse_subpage("signup_thanks")
        if signup is not None:
            url += "?" + urlencode({"kvittering": signup.receipt(mailed)})
        return url

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        # The page changes when the sign-up closes and when the activity has ended.
        moments = [self.end, *([self.signup_closes] if self.signup_enabled else [])]
        changes_at(min((m for m in moments if m > now), default=None))
        context.update(
            index=self.get_parent(),
            has_ended=self.has_ended(now),
            signup=self.signup_state(now) if self.signup_enabled else None,
            calendar_url=self.calendar_url(request),
            signup_url=self.signup_url(request),
        )
        return context

    # The activity's own addresses: its calendar file, the sign-up form and its receipt. The
    # form lives apart from the page, so the page sets no cookie and stays in the page cache.

    @path("kalender.ics/", name="calendar")
    def calendar(self, request):
        return ical.calendar_response(
            ical.calendar_for(request, self, [self], name=self.title),
            filename=f"{self.slug}.ics",
        )

    @path("tilmelding/", name="signup")
    def signup(self, request):
        """The sign-up form. No CSRF cookie (activities/urls.py exempts this address from
        Django's check): the form carries a signed token of its own, and its page is cached
        like every page (activities/forms.py says why that is safe)."""
        if not self.signup_enabled:
            raise Http404("Aktiviteten har ingen tilmelding.")
        state = self.signup_state()
        form = None
        if state["open"]:
            if request.method == "POST":
                form = SignUpForm(
                    request.POST, activity=self, from_another_site=from_another_site(request)
                )
                if form.is_spam():
                    # A bot filled in the hidden field: it is told what a person would be.
                    return redirect(self.thanks_url(request))
                if form.is_valid() and (signup := form.save()):
                    mailed = form.send_confirmation(request, signup)
                    return redirect(self.thanks_url(request, signup, mailed))
            else:
                form = SignUpForm(activity=self)
        response = self.render(
            request,
            template="activities/signup_page.html",
            context_overrides={
                "form": form,
                "signup": state,
                "retention_days": settings.SIGNUP_RETENTION_DAYS,
                "breadcrumb_title": "Tilmelding",
            },
        )
        if request.method == "POST":
            # What the visitor typed, shown back to them: never kept in any cache.
            add_never_cache_headers(response)
        return response

    @path("tilmelding/tak/", name="signup_thanks")
    def signup_thanks(self, request):
        if not self.signup_enabled:
            raise Http404("Aktiviteten har ingen tilmelding.")
        response = self.render(
            request,
            template="activities/signup_thanks_page.html",
            context_overrides={
                "registration": SignUp.from_receipt(request.GET.get("kvittering", ""), self),
                "breadcrumb_title": "Kvittering",
            },
        )
        # It shows the visitor's own sign-up: never kept in any cache.
        add_never_cache_headers(response)
        return response
