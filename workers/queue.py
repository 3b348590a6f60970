"""arq's worker, starting the jobs it picks from the queue with one round trip in all.

arq claims each picked job on its own: WATCH, EXISTS, ZSCORE, then MULTI/PSETEX/EXEC,
four round trips in a row before the next job may start. With sends that take a few
milliseconds each, that serial loop caps a worker at about a thousand jobs a second.
Here one Lua script, atomic as scripts are, makes the same checks and the same claim for
the whole batch.

A job's claim lasts as long as the longest job of its kind may run, and ten seconds more:
cron jobs as arq has it, other jobs (sends) by their own functions' timeouts. arq gives
every job the claim of the longest of all (a cron job's five minutes), so a message
picked by a worker that was then killed waited five minutes before another could send it.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, cast

from arq.constants import in_progress_key_prefix
from arq.cron import CronJob
from arq.utils import timestamp_ms
from arq.worker import Worker

from service.base import logs, tracing

# KEYS[1] the queue, KEYS[i] the in-progress key of the job ARGV[2i - 1], from i = 2,
# claimed for ARGV[2i] milliseconds; ARGV[2] how many may start. A job is claimed only if
# no worker holds it, it is still queued, and it is due (a job deferred meanwhile by
# another worker is not). Returns the claimed jobs and their scores, in turn.
_CLAIM_BATCH = """
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local claimed = {}
for i = 2, #KEYS do
    if #claimed >= 2 * limit then break end
    if redis.call('EXISTS', KEYS[i]) == 0 then
        local queued = redis.call('ZSCORE', KEYS[1], ARGV[2 * i - 1])
        if queued and tonumber(queued) <= now then
            redis.call('PSETEX', KEYS[i], ARGV[2 * i], '1')
            claimed[#claimed + 1] = ARGV[2 * i - 1]
            claimed[#claimed + 1] = queued
        end
    end
end
return claimed
"""


class BatchClaimingArqWorker(Worker):
    """arq's Worker, claiming the jobs it picks in one script instead of one by one, and
    naming the job on every line logged while it runs (arq's own lines included) and in
    its span when tracing is on (the `tracer` of its context)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        crons = [f for f in self.functions.values() if isinstance(f, CronJob)]
        self._cron_names = {cron.name for cron in crons}
        longest = max(
            (f.timeout_s or self.job_timeout_s for f in self.functions.values() if f not in crons),
            default=None,
        )
        self._job_claim_s = self.in_progress_timeout_s if longest is None else longest + 10

    def claim_seconds(self, job_id: str) -> float:
        """How long a worker's claim on the job lasts: a unique cron job's id is its name
        and its time."""
        if job_id.rpartition(":")[0] in self._cron_names:
            return self.in_progress_timeout_s
        return self._job_claim_s

    async def run_job(self, job_id: str, score: int) -> None:
        # Each job runs in a task of its own, so the id stays with this job.
        with logs.bound(logs.JOB_ID, job_id), tracing.job_span(self.ctx.get("tracer"), job_id):
            await super().run_job(job_id, score)

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        # Only start_jobs takes the semaphore, one permit per running job, so this many
        # can start without waiting. The jobs read include those running here already
        # (they stay queued until they finish): the script passes over them.
        free = self.max_jobs - self.job_counter
        if free <= 0 or not job_ids:
            return
        picked = [job_id.decode() for job_id in job_ids]
        keys = [self.queue_name, *(in_progress_key_prefix + job_id for job_id in picked)]
        arguments = [str(timestamp_ms()), str(free)]
        for job_id in picked:
            arguments += [job_id, str(int(self.claim_seconds(job_id) * 1000))]
        claimed = await cast(
            Awaitable[list[bytes]], self.pool.eval(_CLAIM_BATCH, len(keys), *keys, *arguments)
        )
        for job_id_b, score in zip(claimed[::2], claimed[1::2], strict=True):
            job_id = job_id_b.decode()
            await self.sem.acquire()
            self.job_counter += 1
            task = self.loop.create_task(self.run_job(job_id, int(float(score))))
            task.add_done_callback(lambda _: self._release_sem_dec_counter_on_complete())
            self.tasks[job_id] = task
