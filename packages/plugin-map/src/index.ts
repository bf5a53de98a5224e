/**
 * `@haproxyadmin/plugin-map`: map commands for `@haproxyadmin/sdk`.
 *
 * @example
 * const hap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [mapPlugin()] });
 * await hap.map.set('/etc/haproxy/routes.map', '/api', 'be_api');
 * await hap.map.replace('/etc/haproxy/routes.map', { '/api': 'be_api', '/static': 'be_static' });
 */
import { definePlugin } from '@haproxyadmin/sdk/plugin';
import { addMapEntry, clearMap, delMapEntry, getMap, listMaps, setMapEntry, showMap } from './commands.js';
import { replaceMap, syncMap } from './replace.js';

export { addMapEntry, clearMap, delMapEntry, getMap, listMaps, setMapEntry, showMap } from './commands.js';
export type { MapEntryRef, MapId } from './commands.js';
export { replaceMap, syncMap } from './replace.js';
export type {
  MapEntriesInput,
  MapProgressEvent,
  MapReplaceOptions,
  MapReplaceResult,
  MapSyncOptions,
  MapSyncResult,
} from './replace.js';
export type { MapEntry, MapMatch, StagedVersion } from '@haproxyadmin/sdk/plugin';
/** Thrown when an id names an ACL where a map is expected, or the reverse (they share one id space). */
export { PatternKindError } from '@haproxyadmin/sdk/plugin';

/** The map plugin: `HAProxy.connect({ plugins: [mapPlugin()] })` adds `hap.map`. */
export function mapPlugin() {
  return definePlugin({
    name: 'map',
    apiVersion: 1,
    commands: {
      list: listMaps,
      show: showMap,
      add: addMapEntry,
      set: setMapEntry,
      del: delMapEntry,
      clear: clearMap,
      get: getMap,
      replace: replaceMap,
      sync: syncMap,
    },
  });
}
