import { Hint, Input, Label } from "@medusajs/ui"

export interface SettingsFieldProps {
  /** The API's field name; also names the test ids (`usdt-settings-<field>`). */
  field: string
  label: string
  value: string
  onChange: (value: string) => void
  type?: "text" | "password" | "url"
  placeholder?: string
  /** A line under the input (e.g. the masked stored value). */
  hint?: string
  errors?: string[]
}

/** One labelled input of the settings form, with its hint and its field errors. */
export function SettingsField({ field, label, value, onChange, type = "text", placeholder, hint, errors }: SettingsFieldProps) {
  const id = `usdt-settings-${field.replace(/_/g, "-")}`
  return (
    <div className="flex flex-col gap-y-2">
      <Label htmlFor={id} size="small" weight="plus">
        {label}
      </Label>
      <Input
        id={id}
        name={field}
        type={type}
        value={value}
        placeholder={placeholder}
        autoComplete={type === "password" ? "new-password" : "off"}
        aria-invalid={errors && errors.length > 0 ? true : undefined}
        data-testid={id}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint ? <Hint data-testid={`${id}-hint`}>{hint}</Hint> : null}
      {errors?.map((message) => (
        <Hint key={message} variant="error" data-testid={`${id}-error`}>
          {message}
        </Hint>
      ))}
    </div>
  )
}
