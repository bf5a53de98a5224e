import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { describeRuntimeApiConformance } from '@haproxyadmin/testing/conformance';
import { startFake, startReal } from './targets.js';

// The same scripts and the same recorded answers of HAProxy 2.6.12, against both targets.
describeWithHAProxy('real HAProxy', () => {
  describeRuntimeApiConformance({ name: 'real HAProxy', start: startReal });
});

describeRuntimeApiConformance({ name: 'fake HAProxy', start: startFake });
