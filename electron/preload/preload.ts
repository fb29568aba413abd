/**
 * Sandboxed preload: exposes exactly the contract-derived client as window.dokuei, nothing else (no
 * ipcRenderer, no generic invoke). Bundled into one CommonJS file, as sandboxed preloads require.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildClient } from '../../common/ipc/client';
import { createIpcTransport } from './ipcTransport';

// bridgeErrors: the error code travels in the message, the only field contextBridge keeps.
contextBridge.exposeInMainWorld('dokuei', buildClient(createIpcTransport(ipcRenderer), { bridgeErrors: true }));
