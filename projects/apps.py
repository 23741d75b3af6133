from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Customer-partnered Green/Black Belt projects: workflow, selection, coaching, benefits, belts."""

    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        """Register this app's panels and widgets on the pages that show them (``core.registry``)."""
        from core.registry import ACCOUNT_CARDS, DEMO_STEPS, HOME_WIDGETS, PROJECT_PANELS, DemoStep
        from projects import benefits, demo, discussion, selection, workflow
        from projects.projects import account_card_context, home_my_projects_context
        from projects.workflow import home_for_you_context

        PROJECT_PANELS.add(
            "workflow", template="projects/workflow/_project_panel.html", context=workflow.panel_context, order=10
        )
        PROJECT_PANELS.add(
            "selection", template="projects/selection/_project_panel.html", context=selection.panel_context, order=20
        )
        PROJECT_PANELS.add(
            "benefits", template="projects/benefits/_project_panel.html", context=benefits.panel_context, order=30
        )
        PROJECT_PANELS.add(
            "discussion", template="projects/discussion/_project_panel.html", context=discussion.panel_context, order=40
        )
        HOME_WIDGETS.add(
            "projects.for_you",
            template="projects/workflow/_home_for_you.html",
            context=home_for_you_context,
            order=10,
        )
        HOME_WIDGETS.add(
            "projects.my_projects",
            template="projects/projects/_home_my_projects.html",
            context=home_my_projects_context,
            order=30,
        )
        ACCOUNT_CARDS.add("projects", template="projects/projects/_account_card.html", context=account_card_context)
        DEMO_STEPS.register("projects", DemoStep(seed_tenant=demo.seed_tenant, seed_bench=demo.seed_bench), order=30)
