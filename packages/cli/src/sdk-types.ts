/**
 * The slice of the SDK the CLI uses, written from the public contract (API.md): the CLI talks to
 * the result of `HAProxy.connect(...)` only through these names.
 */
import type { ProcessOutcome, ProcessRef } from '@haproxyadmin/sdk';

export type { ProcessOutcome, ProcessRef };

export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
}

export type StatValue = number | bigint | string | boolean | null | undefined;
export type StatRecord = Readonly<Record<string, StatValue>>;

export interface PerProcess<T> {
  readonly process: ProcessRef;
  readonly value: T;
}

export interface FrontendApi {
  readonly name: string;
  readonly iid: number;
  readonly processNb: readonly (number | undefined)[];
  status(options?: CallOptions): Promise<string>;
  maxConn(options?: CallOptions): Promise<number>;
  setMaxConn(value: number, options?: CallOptions): Promise<void>;
  enable(options?: CallOptions): Promise<void>;
  disable(options?: CallOptions): Promise<void>;
  shutdown(options?: CallOptions): Promise<void>;
}

export interface BackendApi {
  readonly name: string;
  readonly iid: number;
  readonly processNb: readonly (number | undefined)[];
  status(options?: CallOptions): Promise<string>;
}

export type ServerStateName = 'ready' | 'drain' | 'maint' | 'enable' | 'disable';

export interface ServerApi {
  readonly name: string;
  readonly backendName: string;
  readonly sid: number;
  readonly processNb: readonly (number | undefined)[];
  status(options?: CallOptions): Promise<string>;
  weight(options?: CallOptions): Promise<number>;
  setWeight(value: number | `${number}%`, options?: CallOptions): Promise<void>;
  setState(state: ServerStateName, options?: CallOptions): Promise<void>;
  shutdown(options?: CallOptions): Promise<void>;
  address(options?: CallOptions): Promise<string>;
  setAddress(address: string, options?: CallOptions): Promise<void>;
  port(options?: CallOptions): Promise<number>;
  setPort(port: number, options?: CallOptions): Promise<void>;
}

export interface AclApi {
  list(options?: CallOptions): Promise<Array<{ id: number; file: string; description: string }>>;
  show(id: number | string, options?: CallOptions): Promise<Array<{ ref: string; value: string }>>;
  add(id: number | string, pattern: string, options?: CallOptions): Promise<unknown>;
  del(id: number | string, patternOrRef: string, options?: CallOptions): Promise<unknown>;
  clear(id: number | string, options?: CallOptions): Promise<unknown>;
  get(id: number | string, value: string, options?: CallOptions): Promise<unknown>;
  replace(id: number | string, patterns: readonly string[], options?: CallOptions): Promise<unknown>;
}

export interface MapApi {
  list(options?: CallOptions): Promise<Array<{ id: number; file: string; description: string }>>;
  show(
    id: number | string,
    options?: CallOptions,
  ): Promise<Array<{ ref: string; key: string; value: string }>>;
  add(id: number | string, key: string, value: string, options?: CallOptions): Promise<unknown>;
  set(id: number | string, key: string, value: string, options?: CallOptions): Promise<unknown>;
  del(id: number | string, keyOrRef: string, options?: CallOptions): Promise<unknown>;
  clear(id: number | string, options?: CallOptions): Promise<unknown>;
  get(id: number | string, key: string, options?: CallOptions): Promise<unknown>;
  replace(
    id: number | string,
    entries: ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>,
    options?: CallOptions,
  ): Promise<unknown>;
}

/** The connected client: `HAProxy & { acl, map }`. */
export interface Client {
  info(options?: CallOptions): Promise<unknown>;
  version(options?: CallOptions): Promise<string>;
  frontends(name?: string, options?: CallOptions): Promise<FrontendApi[]>;
  frontend(name: string, options?: CallOptions): Promise<FrontendApi>;
  backends(name?: string, options?: CallOptions): Promise<BackendApi[]>;
  backend(name: string, options?: CallOptions): Promise<BackendApi>;
  servers(filter?: { backend?: string | undefined }, options?: CallOptions): Promise<ServerApi[]>;
  server(
    name: string,
    filter?: { backend?: string | undefined },
    options?: CallOptions,
  ): Promise<ServerApi[]>;
  snapshot(options?: CallOptions): Promise<unknown>;
  command(line: string, options?: CallOptions): Promise<ProcessOutcome<string>[]>;
  clearCounters(filter?: { all?: boolean | undefined }, options?: CallOptions): Promise<unknown>;
  errors(iid?: number, options?: CallOptions): Promise<unknown>;
  setMaxConn(value: number, options?: CallOptions): Promise<void>;
  setRateLimitConn(value: number, options?: CallOptions): Promise<void>;
  setRateLimitSess(value: number, options?: CallOptions): Promise<void>;
  setRateLimitSslSess(value: number, options?: CallOptions): Promise<void>;
  readonly executor: { processes(options?: CallOptions): Promise<readonly ProcessRef[]> };
  close(): Promise<void>;
  readonly acl: AclApi;
  readonly map: MapApi;
}
