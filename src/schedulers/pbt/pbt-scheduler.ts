import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { Rng } from '../../random/rng';
import type { Distribution, ParamValue } from '../../space/distributions';
import { sampleUniform } from '../../space/sample-uniform';
import { FAIL_REASON_KEY } from '../../storage/base';
import type { Study } from '../../study/study';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { Decision, Job, JobOutcome, JobResult, JobStart, Scheduler } from '../scheduler';
import { discardSlotTrial } from '../slot-claims';
import { perturbExplorer, type Explorer } from './explorer';
import { PBT_INTERRUPTED_KEY, PBT_KEY, jobRecordOf, recordToJson, type PBTJobRecord } from './job-record';
import type { PBTParams } from './member';
import { standsForItsPBTJob, waitingDuplicates } from './pbt-claims';
import {
  decideBatch,
  ownJob,
  storeDecision,
  storedDecisions,
  type KeyedPending,
  type MemberDecision,
  type Pending,
} from './pbt-decisions';
import { releasableStates } from './pbt-release';
import { resolvedSettings, validatePBTOptions, type PBTSchedulerOptions, type StoredPBTSettings } from './pbt-settings';
import { rebuildPopulation, type MemberView, type PopulationView } from './population';
import { readyOrder } from './quantiles';
import type { ReadySettings } from './ready';
import { drawFromSpace, fixedDistribution, type DrawnParams } from './space-draw';

/** Other loops whose trials must not mix with PBT's (their study attributes). */
const OTHER_SCHEDULES = ['hyperband', 'asha'];

/**
 * Population-based training (Jaderberg et al. 2017) as a {@link Scheduler}: each member's training
 * interval (`perturbationInterval` epochs) is one job and one study trial, created WAITING with the
 * member's params and a `pbt` system attribute (member, epochs, start, and for an exploit who was
 * copied with which scores and params before and after). At each ready point the shared decision
 * (`decideAtReady`, also `runPBT`'s) moves a bottom-quantile member onto the state of a
 * top-quantile one and explores its params; the next job then starts `exploit` from the donor's trial.
 *
 * Asynchronous by default (Ray Tune's): a member decides as soon as its interval ends, against the
 * members that have reached its epoch (their scores at that epoch), and the member furthest behind
 * starts next (ties in a seeded order drawn per epoch); a donor is never behind its recipient, so
 * none retrains an interval (on several workers one ahead makes it skip some, as Ray's restore does).
 * With `synch`, every member finishes an interval before any decides, all against the scores at that
 * epoch (exactly `runPBT`'s decisions for the same seed).
 *
 * Nothing lives only in memory: before every decision the population is rebuilt from the trials
 * (`rebuildPopulation`), and each decision is kept as a study attribute until its job starts, so
 * `prepare` on a study reloaded from storage goes on where it was, as the run would have.
 * A failed interval (the trainer threw, or scored NaN) is recorded FAIL and the member takes another
 * member's state, or retries, up to `maxConsecutiveFailures` times.
 *
 * Several processes on one study (`tfjs-tune run` plus `tfjs-tune worker`s, `shared` in the joining
 * ones): each runs this scheduler on the stored trials, with no lock. Whichever process decides a
 * member's next job decides the same as another would, or the first decision stored wins:
 * - synchronously a decision reads only the scores at the barrier epoch, which every member has
 *   reached, and seeded streams keyed by member and epoch (`rng.derive('ready', member, step)`), so
 *   every process computes the same one;
 * - asynchronously it also depends on which members had reached the epoch when it was taken, so it
 *   can differ between processes. Each decision is stored (`pbt_decision:<trial>`) before its job
 *   exists, and a process adopts a stored decision instead of taking its own; two processes
 *   deciding in the same instant both create the job's trial, and the job key rule
 *   (`pbt-claims.ts`: member plus the trial the job follows; the lower number stands, the other is
 *   claimed and marked FAIL untrained) picks one. The standing trial's record is the decision from
 *   then on; a stored attribute overwritten by the loser is never read again (it was for that
 *   member's ready point, which its job has passed).
 * Any process hands out a standing WAITING trial it did not make (its maker may have died between
 * making and claiming it; the claim is atomic and the loser's job ends without touching the trial),
 * fails RUNNING trials without heartbeats (their jobs run again, as interrupted ones do) and keeps
 * every checkpoint another process may still load (`releasableStates`). A job whose start state this
 * process does not hold loads the checkpoint from the shared folder; if it is missing, the interval
 * fails with that reason (the trainer's), never training from scratch.
 */
export class PBTScheduler implements Scheduler {
  readonly name = 'pbt';
  private readonly settings: StoredPBTSettings;
  private readonly explorer: Explorer;
  private readonly maxFailures: number;
  private rng = new Rng(0);
  private sign: 1 | -1 = 1;
  private readonly decided = new Map<number, MemberDecision>();
  private readonly released = new Set<number>();
  /** Trials this object handed out (a WAITING one among them is about to be claimed here). */
  private readonly handedOut = new Set<number>();
  private readonly initial = new Map<number, DrawnParams>();
  private distributions: Record<string, Distribution> = {};
  private view: PopulationView = { members: [], history: [], completed: [], endEpochs: new Map() };
  private prepared = false;

  constructor(private readonly options: PBTSchedulerOptions) {
    validatePBTOptions(options);
    this.settings = resolvedSettings(options);
    this.explorer = options.explorer ?? perturbExplorer(options);
    this.maxFailures = options.maxConsecutiveFailures ?? 3;
  }

  get populationSize(): number {
    return this.settings.populationSize;
  }

  async prepare(study: Study): Promise<void> {
    study.clearStop();
    await study.refresh();
    for (const other of OTHER_SCHEDULES)
      if (study.systemAttrs[other] !== undefined)
        throw new InvalidArgumentError('study', study.studyName, `a study not run by ${other} (use another studyName)`);
    const stored = study.systemAttrs[PBT_KEY];
    const wanted = this.settings as unknown as Record<string, never>;
    if (stored === undefined) await study.setSystemAttr(PBT_KEY, wanted);
    else if (JSON.stringify(stored) !== JSON.stringify(wanted))
      throw new InvalidArgumentError(
        'PBT settings',
        this.settings,
        `the stored study's ${JSON.stringify(stored)} (or another studyName)`,
      );
    this.sign = study.direction === 'minimize' ? -1 : 1;
    this.rng = new Rng(this.options.seed ?? study.seed);
    this.decided.clear();
    for (const [ready, decision] of await storedDecisions(study)) this.decided.set(ready, decision);
    this.initial.clear();
    this.distributions = { ...this.options.hyperparamMutations };
    for (let id = 0; id < this.settings.populationSize; id++) this.initial.set(id, this.initialDraw(id));
    this.handedOut.clear();
    // Jobs a dead process left WAITING or RUNNING run again as new trials. A joining process leaves
    // them: other processes are alive, and heartbeats fail the RUNNING trials of a dead one.
    if (this.options.shared !== true)
      for (const t of study.getTrials({ states: ['WAITING', 'RUNNING'] })) {
        if (t.systemAttrs[PBT_KEY] === undefined) continue;
        await study.storage.setTrialSystemAttr(t.trialId, PBT_INTERRUPTED_KEY, true);
        await study.storage.setTrialSystemAttr(t.trialId, FAIL_REASON_KEY, 'interrupted: its process stopped');
        await study.storage.setTrialState(t.trialId, 'FAIL');
      }
    await study.refresh();
    this.view = rebuildPopulation(study.trials, this.settings.populationSize, this.sign);
    this.prepared = true;
  }

  async nextJob(study: Study): Promise<Job | null | 'done'> {
    if (!this.prepared) throw new TfjsTuneError('PBTScheduler: prepare(study) must run before nextJob');
    if (study.isStopRequested) return 'done';
    // A dead process's RUNNING trial would hold its member back for good: heartbeats decide.
    await study.failStaleTrialsIfDue();
    for (;;) {
      await study.refresh();
      const duplicate = waitingDuplicates(study.trials)[0];
      if (duplicate !== undefined) {
        await discardSlotTrial(study, duplicate, 'another trial stands for the same PBT job');
        continue;
      }
      this.view = rebuildPopulation(study.trials, this.settings.populationSize, this.sign);
      const free = this.view.members
        .map((m) => m.inFlight)
        .filter((t): t is FrozenTrial => t?.state === 'WAITING' && !this.handedOut.has(t.number))
        .sort((a, b) => a.number - b.number)[0];
      if (free !== undefined) return this.handOut(free);
      await this.decideReadyMembers(study);
      const pending = this.view.members
        .map((m) => this.pendingOf(m))
        .filter((p): p is KeyedPending => p !== null)
        .sort((a, b) => a.fromEpoch - b.fromEpoch || this.tieOrder(a) - this.tieOrder(b))[0];
      if (pending === undefined) return this.view.members.some((m) => m.inFlight !== null) ? null : 'done';
      const created = await this.createJobTrial(study, pending);
      await study.refresh();
      if (standsForItsPBTJob(created, study.trials)) return this.handOut(study.trials[created] as FrozenTrial);
      // Another process made the same member's job first: this trial is the duplicate.
      await discardSlotTrial(
        study,
        study.trials[created] as FrozenTrial,
        'another process made the same PBT job first',
      );
    }
  }

  /** Creates the pending job's trial WAITING (params and record in one write); returns its number. */
  private async createJobTrial(study: Study, pending: KeyedPending): Promise<number> {
    const toEpoch = Math.min(this.settings.totalEpochs, pending.fromEpoch + this.settings.perturbationInterval);
    const record: PBTJobRecord = {
      member: pending.member,
      fromEpoch: pending.fromEpoch,
      toEpoch,
      start: pending.start.kind,
      from: pending.start.kind === 'fresh' ? null : pending.start.from,
      follows: pending.follows,
      ...(pending.exploit !== undefined ? { exploit: pending.exploit } : {}),
    };
    const created = await study.storage.createTrial(study.studyId, {
      state: 'WAITING',
      params: pending.params,
      distributions: this.distributionsFor(pending.params),
      systemAttrs: { [PBT_KEY]: recordToJson(record) },
    });
    if (created === null) throw new TfjsTuneError('the storage refused to create a PBT trial');
    return created.number;
  }

  private handOut(trial: FrozenTrial): Job {
    this.handedOut.add(trial.number);
    const r = jobRecordOf(trial) as PBTJobRecord;
    const start: JobStart =
      r.from === null ? { kind: 'fresh' } : { kind: r.start === 'exploit' ? 'exploit' : 'continue', from: r.from };
    return { trialNumber: trial.number, fromEpoch: r.fromEpoch, toEpoch: r.toEpoch, start };
  }

  onResult(_job: Job, _result: JobResult): Decision {
    // A PBT job always trains its whole interval: decisions happen at ready points, between jobs.
    return 'continue';
  }

  async onJobEnd(job: Job, _outcome: JobOutcome): Promise<void> {
    // The trial was told; the next `nextJob` rebuilds the population from storage and decides. A
    // trial whose claim came back empty and is still WAITING (a claim that lost to a transaction
    // rolled back) may be handed out again.
    this.handedOut.delete(job.trialNumber);
  }

  releasable(): readonly number[] {
    const starts = new Set<number>();
    for (const m of this.view.members) {
      const pending = this.pendingOf(m);
      if (pending !== null && pending.start.kind !== 'fresh') starts.add(pending.start.from);
    }
    const out = releasableStates(this.view, starts, (m) => !this.finished(m)).filter((n) => !this.released.has(n));
    for (const n of out) this.released.add(n);
    return out;
  }

  /** The population as the trials leave it (for displays and tests). */
  get population(): readonly MemberView[] {
    return this.view.members;
  }

  /** Decides, once, for each member ready now (in the synchronous variant only at a round's end). */
  private async decideReadyMembers(study: Study): Promise<void> {
    const members = this.view.members;
    const undecided = members.filter((m) => m.ready !== null && !this.decided.has(m.ready.number) && !this.finished(m));
    if (undecided.length === 0) return;
    let batch = undecided;
    let barrierScores: number[] | null = null;
    if (this.settings.synch) {
      // The round's barrier: the members furthest behind decide together, once none is still training to their epoch.
      const active = members.filter((m) => !this.finished(m));
      const barrier = Math.min(...active.map((m) => m.step));
      batch = undecided.filter((m) => m.step === barrier);
      barrierScores = members.map((m) => m.scoreAt.get(barrier) ?? Number.NaN);
    } else {
      batch = undecided.sort((a, b) => (a.ready?.number ?? 0) - (b.ready?.number ?? 0));
    }
    const params = members.map((m) => m.params ?? (this.initial.get(m.id)?.params as PBTParams));
    const steps = members.map((m) => m.step);
    const stateTrials = members.map((m) => m.stateTrial);
    const settings: ReadySettings = {
      quantileFraction: this.settings.quantileFraction,
      burnInPeriod: this.settings.burnInPeriod,
      totalSteps: this.settings.totalEpochs,
      hyperparamMutations: this.options.hyperparamMutations,
      explorer: this.explorer,
      donorsNotBehind: true,
    };
    const decisions = await decideBatch({
      members,
      batch,
      barrierScores,
      params,
      steps,
      stateTrials,
      settings,
      sign: this.sign,
      history: this.view.history,
      rng: this.rng,
      stored: await storedDecisions(study),
    });
    for (const { ready, decision, adopted } of decisions) {
      this.decided.set(ready, decision);
      if (!adopted) await storeDecision(study, ready, decision);
    }
  }

  /**
   * Among jobs starting at one epoch, which goes first: asynchronously a seeded order drawn afresh
   * per epoch (`readyOrder`, as `runPBT`'s), so that it is not always the same member that ends
   * first with no other at its epoch to be compared with; synchronously (decisions wait for the
   * round) by member.
   */
  private tieOrder(p: Pending): number {
    if (this.settings.synch) return p.member;
    return readyOrder(this.rng, this.settings.populationSize, p.fromEpoch)[p.member] as number;
  }

  private finished(m: MemberView): boolean {
    if (m.consecutiveFailures >= this.maxFailures) return true;
    return !m.failed && m.ready !== null && m.step >= this.settings.totalEpochs;
  }

  /** The member's next job, if it has one to start now, with the trial it follows (its key's second half). */
  private pendingOf(m: MemberView): KeyedPending | null {
    if (m.inFlight !== null || this.finished(m)) return null;
    if (m.rerun !== null) {
      const r = m.rerun.record;
      const start: JobStart =
        r.from === null ? { kind: 'fresh' } : { kind: r.start === 'exploit' ? 'exploit' : 'continue', from: r.from };
      return {
        member: m.id,
        fromEpoch: r.fromEpoch,
        start,
        params: m.rerun.params,
        follows: m.rerun.trial,
        ...(r.exploit ? { exploit: r.exploit } : {}),
      };
    }
    if (m.ready === null) {
      const initial = this.initial.get(m.id) as DrawnParams;
      return { member: m.id, fromEpoch: 0, start: { kind: 'fresh' }, params: initial.params, follows: null };
    }
    const decided = this.decided.get(m.ready.number);
    if (decided === undefined) return null; // waits for its round's barrier
    const job = decided === 'none' ? ownJob(m, m.params as PBTParams) : decided;
    return { ...job, follows: m.ready.number };
  }

  private initialDraw(id: number): DrawnParams {
    const rng = this.rng.derive('init', id);
    const mutations = this.options.hyperparamMutations;
    if (this.options.space !== undefined) {
      const drawn = drawFromSpace(this.options.space, rng, mutations);
      for (const [name, d] of Object.entries(drawn.distributions)) this.distributions[name] ??= d;
      return drawn;
    }
    let start: PBTParams;
    if (this.options.initialParams !== undefined) start = this.options.initialParams(id, rng);
    else {
      const out: Record<string, ParamValue> = {};
      for (const name of Object.keys(mutations).sort()) out[name] = sampleUniform(mutations[name] as Distribution, rng);
      start = out;
    }
    const params = { ...this.options.constants, ...start };
    return { params, distributions: this.distributionsFor(params) };
  }

  private distributionsFor(params: PBTParams): Record<string, Distribution> {
    const out: Record<string, Distribution> = {};
    for (const [name, value] of Object.entries(params)) {
      const d = this.distributions[name];
      out[name] = d !== undefined && contains(d, value) ? d : fixedDistribution(value);
    }
    return out;
  }
}

function contains(d: Distribution, value: ParamValue): boolean {
  try {
    return d.containsInternal(d.toInternal(value));
  } catch {
    return false;
  }
}
