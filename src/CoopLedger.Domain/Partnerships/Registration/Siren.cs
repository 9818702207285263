namespace CoopLedger.Domain.Partnerships.Registration;

/// <summary>The nine-digit identifier of a French legal entity, whose last digit is a Luhn check digit.</summary>
public static class Siren
{
    /// <summary>True when <paramref name="value"/> is nine ASCII digits passing the Luhn check.</summary>
    public static bool IsValid(string? value)
    {
        if (value is not { Length: 9 } || !value.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            // From the right, every second digit is doubled (positions 2, 4, 6, 8 counted from the left, 1-based).
            var digit = value[i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                digit = digit > 9 ? digit - 9 : digit;
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}
