import { DEFAULT_CONFIG_FILE } from './config';

/**
 * The repository's own scanner settings files. The task reads them from the trusted commit (the
 * destination in PR mode, the scanned head in full mode) — never from the pull request being scanned —
 * and the notifications name the baseline file when they explain how to accept a false positive.
 */
export const SETTINGS_FILES = { configFile: DEFAULT_CONFIG_FILE, baselineFile: '.leakscan-baseline.json' } as const;
export type SettingsFiles = Partial<Record<keyof typeof SETTINGS_FILES, string>>;
