using System.Text;
using CoopLedger.Api.Json;
using Microsoft.AspNetCore.Http;

namespace CoopLedger.Api.Tests.Json;

public sealed class SplicedJsonTests
{
    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 10)]
    [InlineData(10_000, 900)]
    [InlineData(40, 200_000)]
    public async Task Items_are_written_comma_separated_between_the_envelope_s_two_halves_whatever_their_sizes(int count, int maxSize)
    {
        var random = new Random(count);
        // Sizes from one byte to beyond a chunk of the writer's buffers, so that items fill chunks, cross them and exceed them.
        var items = Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes(new string((char)('a' + (i % 26)), random.Next(1, maxSize)))).ToList();
        var http = new DefaultHttpContext();
        var written = new MemoryStream();
        http.Response.Body = written;

        await new SplicedJson("{\"rows\":["u8.ToArray(), items, "]}"u8.ToArray()).ExecuteAsync(http);

        var expected = "{\"rows\":[" + string.Join(',', items.Select(Encoding.UTF8.GetString)) + "]}";
        Assert.Equal(expected, Encoding.UTF8.GetString(written.ToArray()));
        Assert.Equal(written.Length, http.Response.ContentLength);
        Assert.Equal((StatusCodes.Status200OK, SplicedJson.ContentType), (http.Response.StatusCode, http.Response.ContentType));
    }
}
