using StreamGateway.Core.Transcoding;

namespace StreamGateway.Tests.Unit.Transcoding;

public sealed class ScratchFileSweepTests
{
    [Fact]
    public void Only_old_scratch_files_of_segment_checks_are_deleted()
    {
        var folder = Directory.CreateTempSubdirectory("sg-sweep-test-").FullName;
        try
        {
            var now = DateTimeOffset.UtcNow;
            string Make(string name, TimeSpan age)
            {
                var path = Path.Combine(folder, name);
                File.WriteAllText(path, "x");
                File.SetLastWriteTimeUtc(path, (now - age).UtcDateTime);
                return path;
            }
            var old = new[]
            {
                Make("sg-rendition-0a1b.ts", TimeSpan.FromHours(2)),
                Make("sg-source-0a1b.ts", TimeSpan.FromDays(3)),
                Make("sg-ssim-0a1b.log", TimeSpan.FromHours(1.5)),
                Make("sg-ssim-0a1b.frames", TimeSpan.FromHours(1.5)),
            };
            var kept = new[]
            {
                Make("sg-rendition-2c3d.ts", TimeSpan.FromMinutes(10)), // a check that may still be running
                Make("sg-source-2c3d.ts", TimeSpan.FromMinutes(59)),
                Make("sg-rendition-0a1b.m3u8", TimeSpan.FromDays(3)),   // not a name the checks use
                Make("other.ts", TimeSpan.FromDays(3)),
            };

            Assert.Equal(old.Length, ScratchFileSweep.Sweep(folder, now));
            Assert.All(old, f => Assert.False(File.Exists(f), f));
            Assert.All(kept, f => Assert.True(File.Exists(f), f));
            Assert.Equal(0, ScratchFileSweep.Sweep(folder, now));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
