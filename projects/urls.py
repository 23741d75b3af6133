"""Projects pages under /t/<tenant_slug>/ (namespace ``projects``); one views module per area."""

from projects.views import belts, benefits, board, coaching, discussion, program, projects, selection, workflow

app_name = "projects"
urlpatterns = [
    *board.urlpatterns,
    *selection.urlpatterns,
    *coaching.urlpatterns,
    *belts.urlpatterns,
    *projects.urlpatterns,
    *workflow.urlpatterns,
    *benefits.urlpatterns,
    *discussion.urlpatterns,
    *program.urlpatterns,
]
