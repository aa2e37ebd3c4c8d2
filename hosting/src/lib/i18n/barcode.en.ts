// English strings for the barcode part of AI input (merged into en.ts).
export const barcodeEn = {
} as const;
