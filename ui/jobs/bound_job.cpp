#include "jobs/bound_job.h"

namespace ddpm::ui {

bool BoundSettings::operator==(const BoundSettings& other) const
{
    return imageName == other.imageName && imageSerial == other.imageSerial && schedule == other.schedule
        && modelSpec == other.modelSpec && largeVariance == other.largeVariance
        && clipDenoised == other.clipDenoised && samples == other.samples
        && resolution == other.resolution && seed == other.seed;
}

QString boundCsv(const BoundReport& report)
{
    QString text = QStringLiteral("t,bpd,l_simple,weight\n");
    const auto value = [](const std::vector<double>& v, size_t i) {
        return i < v.size() ? QString::number(v[i], 'g', 17) : QString();
    };
    for (size_t i = 0; i < report.termsBpd.size(); ++i) {
        text += QStringLiteral("%1,%2,%3,%4\n")
                    .arg(i + 1)
                    .arg(value(report.termsBpd, i), value(report.lSimple, i), value(report.weights, i));
    }
    return text;
}

} // namespace ddpm::ui
