/**
 * The one contract between the engine and every host. Each method takes one plain object,
 * validated by its schema where it enters the engine, and returns JSON-safe data.
 * Wire names are derived from this object (`people:merge`), never typed twice.
 */
import { z } from 'zod';
import type {
  BrowseResult,
  DeletePlan,
  BodyExport,
  Dismissal,
  DuplicateGroup,
  FaceExport,
  Folder,
  JobInfo,
  JournalEntry,
  LibraryStatus,
  Person,
  PersonDetail,
  PersonEdit,
  PhotoDetail,
  PhotoSummary,
  RedundantShot,
  ScanErrorRecord,
  ScanReport,
  SeriesDetail,
  SeriesSummary,
  UnknownCluster,
} from './types';

/** A method: its argument schema plus a phantom output type. */
export interface MethodSpec<I extends z.ZodType, O> {
  readonly input: I;
  readonly output?: O;
}

function method<O>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input });
}

const id = z.number().int().positive();
const ids = z.array(id).min(1).max(100_000);
const page = {
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10_000).default(200),
};
const empty = z.object({}).strict();
/** A folder that photos are listed from (with its subfolders): one `library:photoFolders` names. */
const photoFolder = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'a folder path without NUL characters');

export const contract = {
  library: {
    addFolder: method<Folder>()(z.object({ path: z.string().min(1).max(4096) }).strict()),
    removeFolder: method<{ removed: boolean }>()(z.object({ id }).strict()),
    /** Prefer (or stop preferring) a library folder's copies as duplicate keepers; groups are re-ranked. */
    setPreferred: method<Folder>()(z.object({ id, preferred: z.boolean() }).strict()),
    listFolders: method<Folder[]>()(empty),
    scan: method<{ jobId: number }>()(
      z.object({ folderIds: z.array(id).optional(), ml: z.boolean().default(true) }).strict(),
    ),
    /** What a scan job did, once it has finished (null while it runs, or for a job of an earlier run). */
    scanReport: method<ScanReport | null>()(z.object({ jobId: id }).strict()),
    status: method<LibraryStatus>()(empty),
    errors: method<{ total: number; errors: ScanErrorRecord[] }>()(z.object({ ...page }).strict()),
    browse: method<BrowseResult>()(z.object({ path: z.string().max(4096).optional() }).strict()),
    photos: method<{ total: number; photos: PhotoSummary[] }>()(
      z
        .object({
          ...page,
          sort: z.enum(['captured', 'path', 'size']).default('captured'),
          personId: id.optional(),
          folder: photoFolder.optional(),
        })
        .strict(),
    ),
    /** Folders holding photos, each with its parents up to its library folder; `photos` counts subfolders too. */
    photoFolders: method<Array<{ path: string; photos: number }>>()(empty),
    /**
     * How many photos each day has, in the order of `photos` sorted by capture time (for date headers).
     * `day` is YYYY-MM-DD at the caller's UTC offset (minutes east of UTC, as -Date#getTimezoneOffset()).
     */
    photoDays: method<Array<{ day: string; photos: number }>>()(
      z
        .object({
          utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
          folder: photoFolder.optional(),
        })
        .strict(),
    ),
    photo: method<PhotoDetail>()(z.object({ id }).strict()),
  },
  dedup: {
    groups: method<{ total: number; groups: DuplicateGroup[] }>()(
      z.object({ ...page, kind: z.enum(['all', 'exact', 'near']).default('all') }).strict(),
    ),
    setKeeper: method<DuplicateGroup>()(z.object({ groupId: id, photoId: id }).strict()),
    /** `dismissal` identifies this answer for `dedup:restore` (undo) and `dedup:dismissed`. */
    notDuplicate: method<{ groups: number; dismissal: number }>()(
      z.object({ groupId: id, photoIds: ids.optional() }).strict(),
    ),
    /** The "not a duplicate" answers, newest first, with the photos each one separated. */
    dismissed: method<{ total: number; dismissals: Dismissal[] }>()(z.object({ ...page }).strict()),
    /** Undoes one "not a duplicate" answer: its photos are grouped again. */
    restore: method<{ groups: number }>()(z.object({ id }).strict()),
  },
  people: {
    list: method<Person[]>()(z.object({ includeHidden: z.boolean().default(false) }).strict()),
    get: method<PersonDetail>()(z.object({ id }).strict()),
    unknown: method<UnknownCluster[]>()(
      z.object({ limit: z.number().int().min(1).max(1000).default(50) }).strict(),
    ),
    rename: method<PersonEdit>()(z.object({ id, name: z.string().trim().min(1).max(200) }).strict()),
    merge: method<PersonEdit>()(
      z.object({ ids: z.array(id).min(2).max(1000), into: id.optional() }).strict(),
    ),
    /** Takes back a rename or merge (`undoId` from its answer), while this engine runs. */
    undo: method<{ restored: number[] }>()(z.object({ undoId: id }).strict()),
    split: method<Person>()(
      z.object({ id, faceIds: ids, name: z.string().trim().min(1).max(200).optional() }).strict(),
    ),
    hide: method<Person>()(z.object({ id, hidden: z.boolean().default(true) }).strict()),
    setCover: method<Person>()(z.object({ id, faceId: id }).strict()),
    nameFaces: method<Person>()(z.object({ faceIds: ids, name: z.string().trim().min(1).max(200) }).strict()),
    /** Inferred (faceless) matches are bodies: `FaceRef.id` of an inferred ref is a body id. */
    confirmInferred: method<{ updated: number }>()(z.object({ bodyIds: ids, accept: z.boolean() }).strict()),
  },
  series: {
    list: method<{ total: number; series: SeriesSummary[] }>()(
      z.object({ ...page, personId: id.optional() }).strict(),
    ),
    get: method<SeriesDetail>()(z.object({ id }).strict()),
    /** Every file of every burst: the kept frame and the redundant ones, with reasons. */
    redundant: method<RedundantShot[]>()(empty),
  },
  vision: {
    /** Every detected face of the library, in path order. */
    faces: method<FaceExport[]>()(z.object({ embeddings: z.boolean().default(false) }).strict()),
    bodies: method<BodyExport[]>()(empty),
  },
  jobs: {
    list: method<JobInfo[]>()(empty),
    /** Resolves when the job has finished (done, cancelled or failed). */
    wait: method<JobInfo>()(z.object({ id }).strict()),
    cancel: method<{ cancelled: boolean }>()(z.object({ id }).strict()),
  },
  trash: {
    plan: method<DeletePlan>()(
      z
        .object({
          photoIds: ids.optional(),
          /** Every non-keeper of every duplicate group ("resolve all suggested"). */
          suggestedDuplicates: z.boolean().optional(),
          redundantShots: z.boolean().optional(),
          reason: z.string().max(500).optional(),
        })
        .strict(),
    ),
    execute: method<JournalEntry>()(
      z
        .object({
          planId: id,
          dryRun: z.boolean().default(false),
          confirmGuarded: z.boolean().default(false),
        })
        .strict(),
    ),
    undo: method<JournalEntry>()(z.object({ journalId: id }).strict()),
    journal: method<JournalEntry[]>()(z.object({ ...page }).strict()),
  },
} as const;

export type Contract = typeof contract;
export type Domain = keyof Contract;

type Output<S> = S extends MethodSpec<z.ZodType, infer O> ? O : never;
type Input<S> = S extends MethodSpec<infer I, unknown> ? z.input<I> : never;
export type ParsedInput<S> = S extends MethodSpec<infer I, unknown> ? z.output<I> : never;

/** What a client calls: every argument may omit defaulted fields. */
export type Api = {
  [D in Domain]: {
    [M in keyof Contract[D]]: (arg: Input<Contract[D][M]>) => Promise<Output<Contract[D][M]>>;
  };
};

/** What the engine implements: it receives arguments after validation (defaults filled in). */
export type ApiHandlers = {
  [D in Domain]: {
    [M in keyof Contract[D]]: (arg: ParsedInput<Contract[D][M]>) => Promise<Output<Contract[D][M]>>;
  };
};

export type WireName = { [D in Domain]: `${D}:${Extract<keyof Contract[D], string>}` }[Domain];

export function wireName(domain: string, name: string): string {
  return `${domain}:${name}`;
}

export function listWireNames(): WireName[] {
  const names: string[] = [];
  for (const [domain, methods] of Object.entries(contract)) {
    for (const name of Object.keys(methods)) names.push(wireName(domain, name));
  }
  return names as WireName[];
}

export function findMethod(wire: string): MethodSpec<z.ZodType, unknown> | undefined {
  const [domain, name, extra] = wire.split(':');
  if (domain === undefined || name === undefined || extra !== undefined) return undefined;
  if (!Object.hasOwn(contract, domain)) return undefined;
  const methods = contract[domain as Domain] as Record<string, MethodSpec<z.ZodType, unknown>>;
  return Object.hasOwn(methods, name) ? methods[name] : undefined;
}
