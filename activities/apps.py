from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """The activities (temadage, seminarer, workshops, LederForum, Faxe Leder &
    LæringsAkademi), their calendar files and the sign-ups."""

    name = "activities"
    verbose_name = "Aktiviteter"

    def ready(self):
        from activities.models import ActivityPage
        from activities.signups import connect_signals

        connect_signals(ActivityPage)
