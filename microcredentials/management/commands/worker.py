"""The background worker with the site's schedules: queues each scheduled job's next run if none is waiting
(the weekly link check and review digest), then runs `db_worker` with the same options.

Once queued, a schedule keeps itself going (each run queues the next), so a plain `db_worker` keeps running it
too; this command makes sure a new database, or one whose queue was cleared, gets its schedules.
"""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from microcredentials.health.jobs import ensure_scheduled


class Command(DbWorkerCommand):
    help = "Queue the scheduled jobs if they are not queued, then run the background worker (db_worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        for job in ensure_scheduled():
            self.stdout.write(f"{job.name}: next run {job.next_run_at:%Y-%m-%d %H:%M} UTC")
        super().handle(*args, **options)
