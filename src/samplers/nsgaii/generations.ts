import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { isFinished } from '../../trial/state';

/** The survivors of a generation, from its members and the previous survivors (generation counts from 0). */
export type SurvivorSelection = (population: readonly FrozenTrial[], generation: number) => FrozenTrial[];

/**
 * The parent population as a pure function of the study's stored trials, so every process that
 * reads the same storage breeds from the same parents and nothing is written (CMA-ES's replay):
 * trials are read in number order up to the first unfinished one; each run of `populationSize`
 * COMPLETE trials is one generation, whose survivors (selected from it and the previous
 * survivors) are the next parents. Cached and advanced, since finished trials never change.
 *
 * Under concurrency a trial bred from older parents may be counted in a later generation, and a
 * slow RUNNING trial holds the generations after it back (as for CMA-ES).
 */
export class GenerationReplay {
  private studyName: string | null = null;
  private nextNumber = 0;
  private members: FrozenTrial[] = [];
  private survivors: FrozenTrial[] | null = null;
  private generation = 0;

  constructor(private readonly populationSize: number) {}

  /**
   * The current parents (null before the first generation is complete) and the generation they
   * breed; `select` must be the same function of its arguments at every call.
   */
  parents(
    study: StudyView,
    select: SurvivorSelection,
  ): { readonly parents: readonly FrozenTrial[] | null; readonly generation: number } {
    if (this.studyName !== study.studyName) {
      this.studyName = study.studyName;
      this.nextNumber = 0;
      this.members = [];
      this.survivors = null;
      this.generation = 0;
    }
    for (const t of study.getTrials()) {
      if (t.number < this.nextNumber) continue;
      if (!isFinished(t.state)) break;
      this.nextNumber = t.number + 1;
      if (t.state !== 'COMPLETE' || t.values === null) continue;
      this.members.push(t);
      if (this.members.length === this.populationSize) {
        this.survivors = select([...this.members, ...(this.survivors ?? [])], this.generation);
        this.members = [];
        this.generation++;
      }
    }
    return { parents: this.survivors, generation: this.generation };
  }
}
