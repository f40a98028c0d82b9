import type { SoftwareModel } from '../../api/types';
import { Field } from '../../components/Field';

/** The "Model" filter of a people list: any, or one of the profile's models. */
export function ModelFilter({ models, value, onChange }: { models: SoftwareModel[]; value: string; onChange: (modelId: string) => void }) {
  return (
    <Field label="Model">
      {(a) => (
        <select {...a} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">any</option>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.edition}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
