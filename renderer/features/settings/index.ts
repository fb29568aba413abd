// Settings: the reader's viewer keys (the Keys panel, and the merged map viewers pass to their viewports).
export { KeysPanel } from './components/KeysPanel';
export { ShortcutsProvider, useShortcuts, useShortcutMap, type ShortcutsContextValue, type ShortcutsProviderProps } from './components/ShortcutsProvider';
export { SettingsPanel, type SettingsPage, type SettingsPanelProps } from './components/SettingsPanel';
