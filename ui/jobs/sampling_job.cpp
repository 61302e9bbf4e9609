#include "jobs/sampling_job.h"

namespace ddpm::ui {

bool SamplingSettings::operator==(const SamplingSettings& o) const
{
    return modelSpec == o.modelSpec && (!isOracle() || oracleSchedule == o.oracleSchedule) && sampler == o.sampler
        && spacing == o.spacing && eta == o.eta && variance == o.variance && clipDenoised == o.clipDenoised
        && seed == o.seed && batch == o.batch;
}

qint64 ChainInfo::itemValues() const
{
    qint64 v = 1;
    for (qint64 d : itemShape)
        v *= d;
    return itemShape.isEmpty() ? 0 : v;
}

} // namespace ddpm::ui
