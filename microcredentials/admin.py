"""The editor-facing admin."""

from django.contrib import admin

from microcredentials.models import AdvicePage, ContactDetails, OpeningHours, PageChange, PageFeedback, SiteAlert, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(AdvicePage)
class AdvicePageAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "status", "updated_on"]
    list_filter = ["status", "topic"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}


admin.site.register([SiteAlert, ContactDetails, OpeningHours, PageChange, PageFeedback])
