import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    env: {
      // The AWS SDK (a devDependency, used by the Bedrock oracle test) warns on Node 20 that its
      // releases after January 2027 need Node 22; tracegate itself does not use the SDK.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    reporters: ['default'],
  },
});
