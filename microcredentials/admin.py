"""Registration only: each feature package keeps its own ModelAdmin classes."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry

from microcredentials.contact_centre.admin import (
    ClosedDayAdmin,
    ContactDetailsAdmin,
    OpeningHoursAdmin,
    SiteAlertAdmin,
)
from microcredentials.editing.admin import ActivityLogAdmin, AdvicePageAdmin, TopicAdmin
from microcredentials.feedback.admin import PageFeedbackAdmin
from microcredentials.health.admin import IgnoredLinkAdmin, LinkCheckAdmin, PageReviewAdmin, ScheduledJobAdmin
from microcredentials.models import (
    AdvicePage,
    BestBet,
    ClosedDay,
    ContactDetails,
    IgnoredLink,
    LinkCheck,
    OpeningHours,
    PageChange,
    PageFeedback,
    PageReview,
    Redirect,
    ScheduledJob,
    SearchCount,
    SiteAlert,
    Synonym,
    Topic,
)
from microcredentials.pages.admin import RedirectAdmin
from microcredentials.search.admin import BestBetAdmin, SearchCountAdmin, SynonymAdmin

admin.site.register(Topic, TopicAdmin)
admin.site.register(AdvicePage, AdvicePageAdmin)
admin.site.register(PageChange)
admin.site.register(LogEntry, ActivityLogAdmin)
admin.site.register(PageFeedback, PageFeedbackAdmin)
admin.site.register(SiteAlert, SiteAlertAdmin)
admin.site.register(OpeningHours, OpeningHoursAdmin)
admin.site.register(ContactDetails, ContactDetailsAdmin)
admin.site.register(ClosedDay, ClosedDayAdmin)
admin.site.register(Redirect, RedirectAdmin)
admin.site.register(SearchCount, SearchCountAdmin)
admin.site.register(Synonym, SynonymAdmin)
admin.site.register(BestBet, BestBetAdmin)
admin.site.register(LinkCheck, LinkCheckAdmin)
admin.site.register(IgnoredLink, IgnoredLinkAdmin)
admin.site.register(PageReview, PageReviewAdmin)
admin.site.register(ScheduledJob, ScheduledJobAdmin)
