// Frigate's object labels (its default COCO labelmap and the Frigate+ additions a city meets most) in words. Any
// other label a source sends is shown as sent.
const LABELS: Record<string, { id: string; en: string }> = {
  person: { id: 'Orang', en: 'Person' },
  car: { id: 'Mobil', en: 'Car' },
  motorcycle: { id: 'Sepeda motor', en: 'Motorcycle' },
  bicycle: { id: 'Sepeda', en: 'Bicycle' },
  truck: { id: 'Truk', en: 'Truck' },
  bus: { id: 'Bus', en: 'Bus' },
  boat: { id: 'Perahu', en: 'Boat' },
  dog: { id: 'Anjing', en: 'Dog' },
  cat: { id: 'Kucing', en: 'Cat' },
  bird: { id: 'Burung', en: 'Bird' },
  cow: { id: 'Sapi', en: 'Cow' },
  goat: { id: 'Kambing', en: 'Goat' },
  horse: { id: 'Kuda', en: 'Horse' },
  fire: { id: 'Api', en: 'Fire' },
  smoke: { id: 'Asap', en: 'Smoke' },
  package: { id: 'Paket', en: 'Package' },
  license_plate: { id: 'Pelat nomor', en: 'License plate' },
  face: { id: 'Wajah', en: 'Face' },
}

export function labelName(label: string): { id: string; en: string } {
  return LABELS[label.toLowerCase()] ?? { id: label, en: label }
}
