from microcredentials.lib.admin_bases import CheckedAutocompleteAdmin


class RedirectAdmin(CheckedAutocompleteAdmin):
    """Old addresses of pages, made when a published page moves; staff may add and delete them too."""

    list_display = ["old_path", "page", "created_at"]
    search_fields = ["old_path", "page__title"]
    autocomplete_fields = ["page"]
