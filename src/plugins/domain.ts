// The grading domain's resource plugins, registered by server.ts after authentication.
import type { Plugin } from '@hapi/hapi';

export const domainPlugins: Array<Plugin<void>> = [];
