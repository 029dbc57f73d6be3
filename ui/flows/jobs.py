"""Find and browse: routes the job, gig-seeker, job-fair, policy, archive and internship items to their pages."""

from __future__ import annotations

from ui.flows import browse_info, jobs_recommend, jobs_search
from ui.router import Router

# catalogue code (config/catalogue/services.toml) -> page factory
ROUTES = {
    "fixed_job_search": jobs_search.fixed_search,  # 3 固定工岗位信息查询
    "gig_job_search": jobs_search.gig_search,  # 6 零工岗位信息查询
    "fixed_job_recommendation": jobs_recommend.fixed_recommend,  # 2 固定工岗位信息推荐
    "gig_job_recommendation": jobs_recommend.gig_recommend,  # 5 零工岗位信息推荐
    "gig_seeker_recommendation": jobs_recommend.seeker_recommend,  # 8 零工求职信息推荐
    "gig_seeker_search": jobs_recommend.seeker_search,  # 9 零工求职信息查询
    "job_fair_search": browse_info.fairs,  # 14 招聘会信息查询
    "hard_to_employ_job_fair_search": browse_info.hard_fairs,  # S000-09 就业困难人员招聘会信息查询
    "policy_search": browse_info.policies,  # 12 就业政策法规查询
    "archive_institution_query": browse_info.archives,  # 15 档案存放机构查询
    "internship_post_search": browse_info.internships,  # S002-01 见习岗位查询
}


def register(router: Router) -> None:
    for code, factory in ROUTES.items():
        router.register(code, factory)
