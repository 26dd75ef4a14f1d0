"""The task the background worker runs (django-tasks; queue `renders`)."""

from django_tasks import task

RENDER_QUEUE = "renders"


@task(queue_name=RENDER_QUEUE)
def render_document(render_id):
    from intake.renders.services import run_render

    render = run_render(render_id)
    return {"render": render.pk, "status": render.status, "parts_rendered": render.parts_rendered}
