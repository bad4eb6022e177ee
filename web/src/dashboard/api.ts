// The dashboard's one way to the gateway's public REST API (same origin, base /api): the session token as a bearer
// header, the selected project as ?projectId=, errors as ApiError with the API's {"errors": [...]} messages.

/** sessionStorage, or memory where the browser refuses storage (private modes, blocked third-party storage). */
const memory = new Map<string, string>();
export const store = {
  get(key: string): string | null {
    try {
      return window.sessionStorage.getItem(key);
    } catch {
      return memory.get(key) ?? null;
    }
  },
  set(key: string, value: string | null): void {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch {
      if (value === null) memory.delete(key);
      else memory.set(key, value);
    }
  },
};

const TOKEN = "sg.token";
const PROJECT = "sg.project";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join("; "));
  }
}

let unauthorized: () => void = () => {};
/** What to do when a call answers 401: the session expired or was revoked. */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

export const session = {
  token: () => store.get(TOKEN),
  project: () => store.get(PROJECT),
  setProject: (id: string | null) => store.set(PROJECT, id),
  clear: () => {
    store.set(TOKEN, null);
    store.set(PROJECT, null);
  },
};

interface CallOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /** Account calls (/api/user, /api/project) are not about one project. */
  project?: boolean;
}

/** Calls /api{path} and answers its response, or throws ApiError with the API's messages. */
async function request(path: string, { method = "GET", body, project = true }: CallOptions): Promise<Response> {
  let url = `/api${path}`;
  const projectId = session.project();
  if (project && projectId) url += `${url.includes("?") ? "&" : "?"}projectId=${encodeURIComponent(projectId)}`;
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, ["Cannot reach the server. Check your connection and try again."]);
  }
  if (res.ok) return res;
  const errors = ((await parse(res)) as { errors?: unknown } | undefined)?.errors;
  const messages = Array.isArray(errors) && errors.length > 0 ? errors.map(String) : [`${res.status} ${res.statusText || "request failed"}`];
  if (res.status === 401 && token) unauthorized();
  throw new ApiError(res.status, messages);
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Calls /api{path}; resolves to the parsed JSON body (undefined for an empty one). */
export async function api<T>(path: string, options: CallOptions = {}): Promise<T> {
  return (await parse(await request(path, options))) as T;
}

/** Fetches a file that needs the session (an admin's evidence file) and hands it to the browser as a download. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await request(path, {})).blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export async function signIn(email: string, password: string): Promise<void> {
  store.set(TOKEN, null);
  const res = await api<{ token: string }>("/user/token", { method: "POST", body: { email, password }, project: false });
  store.set(TOKEN, res.token);
}

export async function signOut(): Promise<void> {
  try {
    await api<void>("/user/token", { method: "DELETE", project: false });
  } finally {
    session.clear();
  }
}

/** Appends query parameters (arrays repeat their key) to a path. */
export function withQuery(path: string, params: Record<string, string | number | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === "") continue;
    for (const v of Array.isArray(value) ? value : [value]) q.append(key, String(v));
  }
  const s = q.toString();
  return s ? `${path}${path.includes("?") ? "&" : "?"}${s}` : path;
}

// ---- Resources, as openapi.yaml describes them (only the fields the dashboard reads). ----

export interface Me {
  id: string;
  email: string;
  admin: boolean;
  defaultProjectId: string;
  createdAt: number;
}
export interface Project {
  id: string;
  name: string;
  createdAt: number;
}
export interface Profile {
  name: string;
  width: number;
  height: number;
  bitrate: number;
  fps: number;
  profile?: string;
}
export interface MultistreamRef {
  id?: string;
  profile?: string;
  videoOnly?: boolean;
}
export interface Stream {
  id: string;
  name: string;
  playbackId: string;
  streamKey?: string | null;
  isActive?: boolean;
  isHealthy?: boolean | null;
  issues?: unknown;
  suspended?: boolean;
  record?: boolean;
  createdAt?: number;
  lastSeen?: number;
  profiles?: Profile[] | null;
  playbackPolicy?: { type?: string } | null;
  multistream?: { targets?: MultistreamRef[] | null } | null;
  sourceSegmentsDuration?: number;
}
export interface PushStatus {
  id: string;
  name: string;
  state: string;
  lastError: string | null;
}
export interface Session {
  id: string;
  name: string;
  playbackId: string;
  createdAt?: number;
  lastSeen?: number;
  sourceSegmentsDuration?: number;
  isHealthy?: boolean | null;
  record?: boolean;
  recordingStatus?: string | null;
  recordingUrl?: string | null;
  mp4Url?: string | null;
  assetId?: string | null;
  multistream?: PushStatus[] | null;
}
export interface MultistreamTarget {
  id: string;
  name: string;
  disabled: boolean;
  createdAt: number;
}
export interface Asset {
  id: string;
  name: string;
  playbackId: string;
  downloadUrl?: string | null;
  playbackUrl?: string | null;
  createdAt?: number;
  size?: number | null;
  source: { type: string; url?: string | null };
  status: { phase: string; progress: number | null; errorMessage: string | null; updatedAt: number };
}
export interface PlaybackInfo {
  type: string;
  meta: { live?: number | null; source: { hrn: string; type: string; url: string }[] };
}
export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  createdAt?: number;
  streamId?: string | null;
  status?: { lastTriggeredAt: number | null; lastFailure: unknown } | null;
}
export interface WebhookLog {
  id: string;
  event: string;
  createdAt?: number;
  duration?: number;
  success?: boolean;
  request: { url: string; method: string; headers: Record<string, string>; body: string };
  response?: { status: number | null; statusText: string | null; body: string | null } | null;
  error?: string | null;
}
export interface ApiToken {
  id: string;
  name: string;
  createdAt: number;
  keyPrefix: string;
  lastSeen?: number | null;
  key?: string | null;
}
export interface SigningKey {
  id: string;
  name: string;
  createdAt: number;
  publicKey: string;
  disabled: boolean;
  lastSeen?: number | null;
  privateKey?: string | null;
}
export interface Usage {
  TotalUsageMins?: number;
  DeliveryUsageMins?: number;
  StorageUsageMins?: number;
  SourceMins?: number;
  TranscodedMins?: number;
  PaidWei: string;
}
export interface ViewRow {
  timestamp?: number;
  viewCount?: number;
  playtimeMins?: number;
  ttffMs?: number;
  errorRate?: number;
  rebufferRatio?: number;
  [breakdown: string]: string | number | undefined;
}
export interface Orchestrator {
  id: string;
  address?: string | null;
  serviceUri: string;
  stake: string;
  stakeShare?: number;
  active?: boolean;
  responding?: boolean;
  latencyScore?: number | null;
  discoveryLatencyMs?: number | null;
  successes?: number;
  failures?: number;
  suspendedUntil?: number | null;
  badWork?: boolean;
  lastError?: string | null;
}
export interface NetworkOrchestrator {
  address: string;
  totalStake: string;
  active?: boolean;
  rewardCut: number;
  feeShare: number;
  lastRewardRound: string;
  rewardedThisRound?: boolean;
  rewards: string;
  fees: string;
  delegators?: number | null;
}
export interface Network {
  round: string;
  roundInitialized?: boolean;
  inflationPerRound: number;
  inflationChange: number;
  targetBondingRate: number;
  bondingRate: number;
  totalSupply: string;
  totalBonded: string;
  mintableThisRound: string;
  orchestrators: NetworkOrchestrator[];
}
export interface Evidence {
  id: string;
  orchestrator: string;
  serviceUri: string;
  playbackId: string;
  seq?: number;
  reason: string;
  createdAt?: number;
  files: string[];
}
export interface NodeInfo {
  machine?: string;
  processId?: number;
  startedAt?: number;
  roles?: string;
  publishers?: { sessionId: string; streamId: string }[];
  liveSegmentsTranscoded?: number;
}
