/**
 * `@haproxyadmin/plugin-acl`: ACL commands for `@haproxyadmin/sdk`.
 *
 * @example
 * const hap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [aclPlugin()] });
 * await hap.acl.add('/etc/haproxy/blocked.acl', '/admin');
 * // or, without installing the plugin:
 * await hap.execute(addAclEntry, '/etc/haproxy/blocked.acl', '/admin');
 */
import { definePlugin } from '@haproxyadmin/sdk/plugin';
import { addAclEntry, clearAcl, delAclEntry, getAcl, listAcls, showAcl } from './commands.js';
import { replaceAcl, syncAcl } from './replace.js';

export { addAclEntry, clearAcl, delAclEntry, getAcl, listAcls, showAcl } from './commands.js';
export type { AclEntryRef, AclId } from './commands.js';
export { replaceAcl, syncAcl } from './replace.js';
export type {
  AclProgressEvent,
  AclReplaceOptions,
  AclReplaceProcessResult,
  AclReplaceResult,
  AclSyncOptions,
  AclSyncResult,
} from './replace.js';
export type { AclEntry, AclMatch, StagedVersion } from '@haproxyadmin/sdk/plugin';
/** Thrown when an id names an ACL where a map is expected, or the reverse (they share one id space). */
export { PatternKindError } from '@haproxyadmin/sdk/plugin';

/** The ACL plugin: `HAProxy.connect({ plugins: [aclPlugin()] })` adds `hap.acl`. */
export function aclPlugin() {
  return definePlugin({
    name: 'acl',
    apiVersion: 1,
    commands: {
      list: listAcls,
      show: showAcl,
      add: addAclEntry,
      del: delAclEntry,
      clear: clearAcl,
      get: getAcl,
      replace: replaceAcl,
      sync: syncAcl,
    },
  });
}
