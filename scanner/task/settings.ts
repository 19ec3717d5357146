import { DEFAULT_CONFIG_FILE } from '../config';

/**
 * The repository's own scanner settings, read by the task from the trusted commit (the destination
 * in PR mode, the scanned head in full mode) — never from the pull request being scanned.
 */
export const SETTINGS_FILES = { configFile: DEFAULT_CONFIG_FILE, baselineFile: '.leakscan-baseline.json' } as const;
export type SettingsFiles = Partial<Record<keyof typeof SETTINGS_FILES, string>>;
