// German strings for the barcode part of AI input (merged into de.ts).
import type { barcodeEn } from './barcode.en';

export const barcodeDe: Record<keyof typeof barcodeEn, string> = {
  'barcode.scan': 'Mit der Kamera scannen',
  'barcode.camera': 'Kamera',
  'barcode.aim': 'Den Strichcode flach und gut beleuchtet in den Rahmen halten.',
  'barcode.stop': 'Kamera beenden',
  'barcode.noCamera': 'Die Kamera ließ sich nicht öffnen ({message}). Fotografiere stattdessen den Strichcode.',
  'barcode.noLive': 'Dieser Browser kann die Kamera hier nicht öffnen: Fotografiere den Strichcode oder wähle ein Foto.',
  'barcode.photo': 'Strichcode fotografieren oder Foto wählen',
  'barcode.reading': 'Strichcode wird gelesen …',
  'barcode.notFound': 'Auf diesem Foto ist kein Strichcode zu erkennen. Fotografiere ihn näher, gerade und scharf, oder tippe die Ziffern unten ein.',
  'barcode.typeLabel': 'Oder die Ziffern unter den Strichen eintippen',
  'barcode.typeHint': '8, 12 oder 13 Ziffern, EAN oder UPC.',
  'barcode.lookUp': 'Suchen',
  'barcode.err.empty': 'Tippe zuerst die Ziffern unter den Strichen ein.',
  'barcode.err.digits': 'Ein Strichcode hat nur Ziffern.',
  'barcode.err.length': 'Ein Strichcode hat 8, 12 oder 13 Ziffern.',
  'barcode.err.check': 'Die letzte Ziffer passt nicht zu den anderen: Eine Ziffer ist falsch gelesen oder vertippt. Prüfe sie und versuche es noch einmal.',
  'barcode.unknown': 'Noch kein Produkt hat diesen Strichcode.',
  'barcode.create': 'Produkt anlegen',
  'barcode.several': 'Mehrere Produkte haben diesen Strichcode. Welches hast du gekauft?',
  'barcode.again': 'Anderen scannen',
  'barcode.newTitle': 'Neues Produkt mit diesem Strichcode',
  'barcode.saveAndBuy': 'Speichern und Einkauf erfassen',
  'barcode.saving': 'Wird gespeichert …',
  'barcode.gtin': 'GTIN / EAN (Strichcode)',
  'barcode.attach': 'Einem vorhandenen Produkt hinzufügen',
  'barcode.attachLabel': 'Welches Produkt hat diesen Strichcode?',
  'barcode.attachSave': 'Strichcode hinzufügen und Einkauf erfassen'
};
