using System.Globalization;
using System.Text.RegularExpressions;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.Domain.ReferenceData;

namespace CoopLedger.Api.Commands;

/// <summary>
/// Collects what is wrong with a request, field by field (JSON paths such as <c>frenchAuthorities[0].siren</c>),
/// so that one 400 answer names every field at fault.
/// </summary>
public sealed partial class RequestErrors
{
    /// <summary>The longest list a command may carry (authorities, challenges, actions of a challenge).</summary>
    public const int MaxListLength = 200;

    private const int MaxLabelLength = 200;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Whether anything is wrong.</summary>
    public bool Any => _errors.Count > 0;

    /// <summary>The errors, as problem details carry them.</summary>
    public Dictionary<string, string[]> ByField => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Records an error for a field.</summary>
    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>A required value; records an error when missing.</summary>
    public T Required<T>(T? value, string field) where T : struct
    {
        if (value is null)
        {
            Add(field, "This field is required.");
        }

        return value.GetValueOrDefault();
    }

    /// <summary>A required, non-blank text of at most <paramref name="maxLength"/> characters.</summary>
    public string Text(string? value, string field, int maxLength = 500)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "This field is required.");
            return "";
        }

        return Optional(value, field, maxLength)!;
    }

    /// <summary>An optional text of at most <paramref name="maxLength"/> characters (blank counts as absent).</summary>
    public string? Optional(string? value, string field, int maxLength = 2000)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }

        // PostgreSQL's text and jsonb cannot hold U+0000: refused here, with the field, rather than by the database.
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            Add(field, "The NUL character (U+0000) is not allowed.");
        }

        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>A required enumeration value given by its exact name.</summary>
    public TEnum Enum<TEnum>(string? value, string field) where TEnum : struct, Enum
    {
        if (value is not null && System.Enum.GetNames<TEnum>().Contains(value, StringComparer.Ordinal))
        {
            return System.Enum.Parse<TEnum>(value);
        }

        Add(field, value is null
            ? "This field is required."
            : $"'{value}' is not one of: {string.Join(", ", System.Enum.GetNames<TEnum>())}.");
        return default;
    }

    /// <summary>An ISO 3166-1 alpha-2 country code from the IATI list.</summary>
    public string Country(string? value, string field)
    {
        if (!Countries.IsKnown(value))
        {
            Add(field, value is null ? "This field is required." : $"'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. \"TN\").");
        }

        return value ?? "";
    }

    /// <summary>A SIREN: nine digits with a valid Luhn check digit.</summary>
    public string Siren(string? value, string field)
    {
        if (!Domain.Partnerships.Registration.Siren.IsValid(value))
        {
            Add(field, value is null ? "This field is required." : $"'{value}' is not a valid SIREN (nine digits with a Luhn check digit).");
        }

        return value ?? "";
    }

    /// <summary>Money in euros as a string with two decimals, e.g. "17100.00".</summary>
    public decimal Money(string? value, string field)
    {
        if (value is not null && MoneyFormat().IsMatch(value))
        {
            return decimal.Parse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        }

        Add(field, value is null ? "This field is required." : $"'{value}' is not an amount in euros with two decimals, e.g. \"17100.00\".");
        return 0;
    }

    /// <summary>Optional money.</summary>
    public decimal? OptionalMoney(string? value, string field) => value is null ? null : Money(value, field);

    /// <summary>A year within the ledger's range.</summary>
    public int Year(int? value, string field)
    {
        if (value is < Domain.Partnerships.Years.First or > Domain.Partnerships.Years.Last)
        {
            Add(field, $"A year from {Domain.Partnerships.Years.First} to {Domain.Partnerships.Years.Last}.");
        }

        return Required(value, field);
    }

    /// <summary>A required business date within the ledger's years.</summary>
    public DateOnly Date(DateOnly? value, string field) => Required(OptionalDate(value, field), field);

    /// <summary>An optional business date within the ledger's years.</summary>
    public DateOnly? OptionalDate(DateOnly? value, string field)
    {
        if (value is { Year: < Domain.Partnerships.Years.First or > Domain.Partnerships.Years.Last })
        {
            Add(field, $"A date from {Domain.Partnerships.Years.First} to {Domain.Partnerships.Years.Last}.");
        }

        return value;
    }

    /// <summary>A three-level theme path, when given.</summary>
    public ThemePath? Theme(IReadOnlyList<string>? labels, string field)
    {
        if (labels is null)
        {
            return null;
        }

        if (labels.Count is < 1 or > 3 || labels.Any(label => string.IsNullOrWhiteSpace(label) || label.Length > MaxLabelLength || label.Contains('\0', StringComparison.Ordinal)))
        {
            Add(field, $"One to three non-blank labels of at most {MaxLabelLength} characters (no NUL character): theme, sub-theme, sub-sub-theme.");
        }

        return new ThemePath([.. labels]);
    }

    /// <summary>
    /// Reads a required, non-empty list of at most <paramref name="maxCount"/> elements element by element, naming each
    /// element's path (<c>field[i]</c>).
    /// </summary>
    public IEnumerable<TOut> Each<TIn, TOut>(IReadOnlyList<TIn?>? items, string field, Func<TIn, string, TOut> read, int maxCount = MaxListLength)
    {
        if (Count(items, field, maxCount) == 0)
        {
            yield break;
        }

        for (var i = 0; i < items!.Count; i++)
        {
            if (items[i] is { } item)
            {
                yield return read(item, $"{field}[{i}]");
            }
            else
            {
                Add($"{field}[{i}]", "This element is required.");
            }
        }
    }

    /// <summary>
    /// The length of a required, non-empty list of at most <paramref name="maxCount"/> elements; 0 (with an error)
    /// when it is missing, empty or too long.
    /// </summary>
    public int Count<T>(IReadOnlyCollection<T>? items, string field, int maxCount = MaxListLength)
    {
        if (items is null || items.Count == 0)
        {
            Add(field, "At least one is required.");
            return 0;
        }

        if (items.Count > maxCount)
        {
            Add(field, $"At most {maxCount} elements.");
            return 0;
        }

        return items.Count;
    }

    // ASCII digits only, and \z: $ would also accept a final newline, \d any script's digits.
    [GeneratedRegex(@"\A-?[0-9]{1,13}\.[0-9]{2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex MoneyFormat();
}
