// German strings for the barcode part of AI input (merged into de.ts).
import type { barcodeEn } from './barcode.en';

export const barcodeDe: Record<keyof typeof barcodeEn, string> = {
};
